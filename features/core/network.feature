@vm @network
Feature: Hosts of a scenario share a virtual LAN
  Every host of a scenario is on LAN 1 unless virtualisation.vlans says otherwise. Addresses come from
  198.18.0.0/15, every host resolves the others by name, and nothing is reachable from or routed to the outside.

  Scenario: a firewalled port is served locally but not to a peer
    Given the host "web" is configured with:
      """
      "networking.firewall.allowedTCPPorts" = [80]
      "environment.etc.\"www/index.html\".text" = "hello from web"
      "services.nginx.enable" = true
      "services.nginx.virtualHosts.web.root" = "/etc/www"

      [systemd.services.internal]
      description = "A service only the host itself may use"
      wantedBy = ["multi-user.target"]
      script = "exec nc -lk 8080"
      """
    And a host "client"
    When the hosts are started
    Then "web" listens on TCP port 8080
    And the command "nc -z -w 2 127.0.0.1 8080" succeeds on "web"
    And "client" can reach "web" on TCP port 80
    And "client" cannot reach "web" on TCP port 8080
    When "client" runs "curl -fsS http://web/"
    Then the output contains "hello from web"

  Scenario: hosts resolve each other by name, and only on the LANs they share
    Given the host "web" is configured with:
      """
      "virtualisation.vlans" = [1, 2]
      """
    And the host "db" is configured with:
      """
      "virtualisation.vlans" = [2]
      "networking.firewall.allowedTCPPorts" = [6379]
      "services.redis.servers.db.enable" = true
      "services.redis.servers.db.bind" = "0.0.0.0"
      "services.redis.servers.db.port" = 6379
      """
    And a host "client"
    When the hosts are started
    Then the command "ping -c 1 -W 2 web" succeeds on "client"
    And the command "getent hosts db" fails on "client"
    And "web" can reach "db" on TCP port 6379
    When "web" runs "getent hosts db"
    Then the output contains "198.18.2."
