@vm @templates
Feature: The database template answers only the web servers
  hosts/lab/db (templates/services/database) runs PostgreSQL 15 with the site's database. Two layers keep everyone
  else out: the firewall accepts PostgreSQL's port from the backend network (LAN 1) only, and pg_hba.conf lets only
  the hosts web1 and web2 log in. The web servers are on both networks, the client on the front network (LAN 2)
  unless a scenario puts it on the backend network too.

  Background:
    Given the host "db" from "hosts/lab/db"
    And the host "web1" from "hosts/lab/web1"

  Scenario: a web server logs in; a client on the front network is stopped by the firewall
    Given the host "client" is configured with:
      """
      "virtualisation.vlans" = [2]
      "virtualisation.memorySize" = 512
      "environment.systemPackages" = ["postgresql-client"]
      """
    When the hosts are started
    Then the unit "postgresql-setup.service" is active on "db"
    When "web1" runs "PGPASSWORD=web-secret psql -X -tA -h db -U web -d web -c 'SELECT message FROM greeting'"
    Then the output is "Hello from PostgreSQL"
    And "client" can reach "db" on TCP port 9100
    And "client" cannot reach "db" on TCP port 5432
    And the command "PGCONNECT_TIMEOUT=5 PGPASSWORD=web-secret psql -X -h db -U web -d web -c 'SELECT 1'" fails on "client"

  Scenario: a host on the backend network that is not a web server is refused by pg_hba.conf
    Given the host "client" is configured with:
      """
      "virtualisation.vlans" = [1, 2]
      "virtualisation.memorySize" = 512
      "environment.systemPackages" = ["postgresql-client"]
      """
    When the hosts are started
    Then the unit "postgresql-setup.service" is active on "db"
    And "client" can reach "db" on TCP port 5432
    And the command "PGCONNECT_TIMEOUT=5 PGPASSWORD=web-secret psql -X -h db -U web -d web -c 'SELECT 1' 2>&1" fails on "client"
    And the output contains "no pg_hba.conf entry for host"
    And the command "PGPASSWORD=web-secret psql -X -tA -h db -U web -d web -c 'SELECT 1'" succeeds on "web1"

  Scenario: ensureDatabases and ensureUsers are applied, and the server is NixOS' single unit
    Then the unit "postgresql.service" is active on "db"
    And the unit "postgresql-setup.service" is active on "db"
    When "db" runs "psql -U postgres -X -tA -c \"SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'web'\""
    Then the output is "web"
    When "db" runs "psql -U postgres -X -tA -c \"SELECT rolcanlogin FROM pg_roles WHERE rolname = 'web'\""
    Then the output is "t"
    And the command "systemctl is-active postgresql@15-main.service" fails on "db"
