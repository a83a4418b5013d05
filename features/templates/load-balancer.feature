@vm @templates
Feature: The load balancer template spreads requests over the web servers
  hosts/lab/lb (templates/services/load-balancer) runs HAProxy in front of hosts/lab/web1 and hosts/lab/web2
  (templates/services/web-server): nginx in front of an app that names its server and reads the greeting from
  hosts/lab/db (templates/services/database). HAProxy checks each web server's /health every two seconds and shows
  the result on its stats socket. The client is on the front network only.

  Background:
    Given the host "lb" from "hosts/lab/lb"
    And the host "web1" from "hosts/lab/web1"
    And the host "web2" from "hosts/lab/web2"
    And the host "db" from "hosts/lab/db"
    And the host "client" is configured with:
      """
      "virtualisation.vlans" = [2]
      "virtualisation.memorySize" = 512
      """

  Scenario: the balancer spreads requests over both web servers, each backed by the database
    When the hosts are started
    Then the command "out=$(for i in 1 2 3 4 5 6; do curl -sS http://lb/; done); echo \"$out\"; echo \"$out\" | grep -q 'served by web1: Hello from PostgreSQL' && echo \"$out\" | grep -q 'served by web2: Hello from PostgreSQL'" eventually succeeds on "client"
    And the output contains "served by web1: Hello from PostgreSQL"
    And the output contains "served by web2: Hello from PostgreSQL"

  Scenario: with one web server stopped the site still serves, and the health check shows it down
    When the hosts are started
    Then the command "echo 'show stat' | nc -N -U /run/haproxy/admin.sock | grep '^web,web[12],' | cut -d, -f18 | grep -c '^UP' | grep -x 2" eventually succeeds on "lb"
    When "web1" runs "systemctl stop nginx.service"
    Then the command "echo 'show stat' | nc -N -U /run/haproxy/admin.sock | grep '^web,web1,' | cut -d, -f18 | grep -x 'DOWN'" eventually succeeds on "lb"
    When "lb" runs "echo 'show stat' | nc -N -U /run/haproxy/admin.sock | grep '^web,web2,' | cut -d, -f18"
    # "UP" or "UP 1/2" (one check of web2 missed its 2 s timeout under load; seen on the container backend)
    Then the output contains "UP"
    When "client" runs "for i in 1 2 3 4; do curl -fsS http://lb/ || exit 1; done"
    Then the output contains "served by web2: Hello from PostgreSQL"
    And the command "for i in 1 2 3 4; do curl -fsS http://lb/; done | grep -c 'served by web1' | grep -x 0" succeeds on "client"
