@vm @nixoa @updates
Feature: Updating the NiXOA appliance, and going back
  The appliance installs Xen Orchestra releases side by side under /opt/xo/releases and runs the one /opt/xo/current
  links (module xo/updates, docs/updates.md). Its timer's unit installs the source's latest release next to the
  current one, switches, and keeps the new release only when it passes its health check. The releases come from a
  source inside the guest (module xo/releases): the stand-in server plays each release's version, and a release
  offered as broken fails its health check.

  Background:
    Given the host "xoa" from "hosts/xoa"
    And the host "xoa" is configured with:
      """
      imports = ["xo/updates", "xo/releases"]
      "nixoa.updates.enable" = true
      "nixoa.updates.release" = "5.1.0"
      "nixoa.updates.healthCheck.timeout" = 30
      "nixoa.releases.enable" = true
      "nixoa.releases.versions" = ["5.1.0", "5.2.0"]
      """

  Scenario: the timer's update installs the latest release, which passes its health check, and keeps the previous one
    When "xoa" runs "systemctl show --property=Triggers --value xoa-xo-update.timer"
    Then the output is "xoa-xo-update.service"
    And the unit "xoa-xo-update.timer" is active on "xoa"
    And the command "curl -fsS http://127.0.0.1:3000/health" eventually succeeds on "xoa"
    And the output contains "version=5.1.0"
    When "xoa" runs "systemctl start xoa-xo-update.service"
    And "xoa" runs "curl -fsS http://127.0.0.1:3000/health"
    Then the output contains "ok redis=PONG version=5.2.0"
    When "xoa" runs "readlink /opt/xo/current"
    Then the output is "releases/5.2.0"
    And "xoa" has the file "/opt/xo/releases/5.1.0/release.json" containing "5.1.0"
    And "xoa" has the file "/var/lib/xoa-updates/xo-update.status" containing "\"status\": \"success\""
    When "xoa" runs "curl -fsSk https://localhost/health"
    Then the output contains "version=5.2.0"

  Scenario: a release that fails its health check is rolled back automatically
    Given the host "xoa" is configured with:
      """
      "nixoa.releases.versions" = ["5.3.0"]
      "nixoa.releases.broken" = ["5.3.0"]
      """
    Then the command "curl -fsS http://127.0.0.1:3000/health" eventually succeeds on "xoa"
    And the output contains "version=5.1.0"
    And the command "systemctl start xoa-xo-update.service" fails on "xoa"
    And the unit "xoa-xo-update.service" has failed on "xoa"
    When "xoa" runs "journalctl -u xoa-xo-update.service --no-pager -o cat"
    Then the output contains "ROLLBACK: release 5.3.0 failed its health check; going back to release 5.1.0"
    And the output contains "rolled back to release 5.1.0: it passes its health check"
    When "xoa" runs "curl -fsS http://127.0.0.1:3000/health"
    Then the output contains "ok redis=PONG version=5.1.0"
    When "xoa" runs "readlink /opt/xo/current"
    Then the output is "releases/5.1.0"
    And the command "test -e /opt/xo/releases/5.3.0" fails on "xoa"
    And "xoa" has the file "/var/lib/xoa-updates/xo-update.status" containing "\"status\": \"rolled-back\""
    # the bad release is not installed again by the next run
    When "xoa" runs "systemctl start xoa-xo-update.service"
    And "xoa" runs "curl -fsS http://127.0.0.1:3000/health"
    Then the output contains "version=5.1.0"

  Scenario: a release pinned by a new generation, rolled back by hand with the generation steps
    Then the command "curl -fsS http://127.0.0.1:3000/health" eventually succeeds on "xoa"
    And the output contains "version=5.1.0"
    When "xoa" switches to a configuration with:
      """
      [[config]]
      priority = "force"
      "nixoa.updates.release" = "5.2.0"
      """
    Then "xoa" is at generation 2
    And the last switch of "xoa" restarted "xo-server.service"
    And the last switch of "xoa" left "redis-xo.service" untouched
    And the command "curl -fsS http://127.0.0.1:3000/health" eventually succeeds on "xoa"
    And the output contains "ok redis=PONG version=5.2.0"
    When "xoa" rolls back
    Then "xoa" is at generation 1
    And the last switch of "xoa" restarted "xo-server.service"
    And the command "curl -fsS http://127.0.0.1:3000/health" eventually succeeds on "xoa"
    And the output contains "ok redis=PONG version=5.1.0"
    When "xoa" runs "ls /opt/xo/releases"
    Then the output contains "5.2.0"
