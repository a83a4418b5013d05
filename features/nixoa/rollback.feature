@vm @generations @nixoa
Feature: Rolling back the NiXOA appliance
  A port opened in a new generation is closed again by a rollback, Redis data is state and survives both, and the
  generation the guest runs survives a reboot.

  Background:
    Given the host "xoa" from "hosts/xoa"
    And the host "xoa" is configured with:
      """
      [systemd.services.probe]
      description = "A listener on a port the firewall of generation 1 keeps closed"
      wantedBy = ["multi-user.target"]
      script = "exec nc -lk 8080"
      """
    And a host "client"

  Scenario: open a port in generation 2, roll back, and keep Redis data and the generation across a reboot
    When the hosts are started
    Then "xoa" listens on TCP port 8080
    And "client" cannot reach "xoa" on TCP port 8080
    When "xoa" runs "runuser -u xo -- redis-cli -s /run/redis-xo/redis.sock set written-before-switch kept"
    And "xoa" runs "runuser -u xo -- redis-cli -s /run/redis-xo/redis.sock save"
    And "xoa" switches to a configuration with:
      """
      "networking.firewall.allowedTCPPorts" = [8080]
      """
    Then "xoa" is at generation 2
    And the last switch of "xoa" left "redis-xo.service" untouched
    And the last switch of "xoa" left "probe.service" untouched
    And "client" can reach "xoa" on TCP port 8080
    When "xoa" rolls back
    Then "xoa" is at generation 1
    And "xoa" listens on TCP port 8080
    And "client" cannot reach "xoa" on TCP port 8080
    When "xoa" runs "runuser -u xo -- redis-cli -s /run/redis-xo/redis.sock get written-before-switch"
    Then the output is "kept"
    When "xoa" reboots
    Then "xoa" is at generation 1
    And the unit "redis-xo.service" is active on "xoa"
    When "xoa" runs "runuser -u xo -- redis-cli -s /run/redis-xo/redis.sock get written-before-switch"
    Then the output is "kept"
    And "client" cannot reach "xoa" on TCP port 8080
