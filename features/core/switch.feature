@vm @generations
Feature: Switching a running host to a new configuration
  A switch activates a new generation live, the way NixOS' switch-to-configuration does: new units are started,
  changed units restarted (or reloaded when they declare reloadIfChanged), removed units stopped, and unchanged units
  are not touched. Every switch starts again from the host's declared modules and adds the docstring on top.

  Background:
    Given the host "h" is configured with:
      """
      [systemd.services.keep]
      wantedBy = ["multi-user.target"]
      script = "echo started >> /run/keep.starts; exec sleep infinity"

      [systemd.services.change]
      wantedBy = ["multi-user.target"]
      script = "echo started >> /run/change.starts; exec sleep infinity"

      [systemd.services.reloader]
      wantedBy = ["multi-user.target"]
      reloadIfChanged = true
      script = "echo started >> /run/reloader.starts; exec sleep infinity"
      serviceConfig.ExecReload = "/bin/sh -c 'echo reloaded >> /run/reloader.reloads'"

      [systemd.services.gone]
      wantedBy = ["multi-user.target"]
      script = "exec sleep infinity"
      """

  Scenario: new units start, changed ones restart or reload, removed ones stop, unchanged ones are left alone
    Then the unit "gone.service" is active on "h"
    And "h" is at generation 1
    When "h" switches to a configuration with:
      """
      "systemd.services.gone.enable" = false
      "systemd.services.change.environment.GENERATION" = "2"
      "systemd.services.reloader.environment.GENERATION" = "2"

      [systemd.services.fresh]
      wantedBy = ["multi-user.target"]
      script = "exec sleep infinity"
      """
    Then "h" is at generation 2
    And the last switch of "h" started "fresh.service"
    And the last switch of "h" restarted "change.service"
    And the last switch of "h" reloaded "reloader.service"
    And the last switch of "h" stopped "gone.service"
    And the last switch of "h" left "keep.service" untouched
    And the unit "fresh.service" is active on "h"
    And the unit "gone.service" is inactive on "h"
    And the command "test $(wc -l < /run/keep.starts) -eq 1" succeeds on "h"
    And the command "test $(wc -l < /run/change.starts) -eq 2" succeeds on "h"
    And the command "test $(wc -l < /run/reloader.starts) -eq 1 && test -s /run/reloader.reloads" succeeds on "h"

  Scenario: switching to the configuration already running acts on nothing
    When "h" switches to a configuration with:
      """
      [systemd.services.fresh]
      wantedBy = ["multi-user.target"]
      script = "exec sleep infinity"
      """
    Then "h" is at generation 2
    When "h" switches to a configuration with:
      """
      [systemd.services.fresh]
      wantedBy = ["multi-user.target"]
      script = "exec sleep infinity"
      """
    Then "h" is at generation 2
    And the last switch of "h" started nothing
    And the last switch of "h" restarted nothing
    And the last switch of "h" reloaded nothing
    And the last switch of "h" stopped nothing
    And the command "test $(wc -l < /run/keep.starts) -eq 1" succeeds on "h"

  @reboot
  Scenario: the generation and its units survive a reboot and a crash
    The guest records its generation on its own disk (every image records its generation 1); a host whose record
    were lost would fail "is at generation", never pass as generation 1.
    Then "h" is at generation 1
    When "h" switches to a configuration with:
      """
      "systemd.services.gone.enable" = false

      [systemd.services.fresh]
      wantedBy = ["multi-user.target"]
      script = "exec sleep infinity"
      """
    Then "h" is at generation 2
    When "h" reboots
    Then "h" is at generation 2
    And the unit "fresh.service" is active on "h"
    And the unit "keep.service" is active on "h"
    And the command "test -e /etc/systemd/system/gone.service" fails on "h"
    When "h" crashes
    And "h" is started
    Then "h" is at generation 2
    And the unit "fresh.service" is active on "h"
    And the command "test -e /etc/systemd/system/gone.service" fails on "h"

  Scenario: a unit that fails to start is reported, and the host rolls back
    When "h" switches to a failing configuration with:
      """
      [systemd.services.broken]
      wantedBy = ["multi-user.target"]
      script = "echo broken on purpose; exit 3"
      """
    Then "h" is at generation 2
    And the unit "broken.service" has failed on "h"
    When "h" rolls back
    Then "h" is at generation 1
    And the command "test -e /etc/systemd/system/broken.service" fails on "h"
    And the unit "keep.service" is active on "h"

  Scenario: a generation that adds a package brings its files and dpkg state, and a rollback takes them away
    Then the command "command -v jq" fails on "h"
    When "h" switches to a configuration with:
      """
      "environment.systemPackages" = ["jq"]

      [systemd.services.uses-jq]
      wantedBy = ["multi-user.target"]
      script = "echo '{\"gen\":2}' | jq -e .gen > /run/uses-jq.out; exec sleep infinity"
      """
    Then "h" is at generation 2
    And the last switch of "h" started "uses-jq.service"
    And the unit "uses-jq.service" is active on "h"
    And the command "echo '{\"a\":[1,2]}' | jq -e '.a | length == 2'" succeeds on "h"
    And the command "test $(cat /run/uses-jq.out) = 2" succeeds on "h"
    And the command "dpkg-query -W -f='${Status}' jq | grep -q 'install ok installed'" succeeds on "h"
    And the last switch of "h" left "keep.service" untouched
    When "h" rolls back
    Then "h" is at generation 1
    And the command "command -v jq" fails on "h"
    And the command "dpkg-query -W -f='${Status}' jq 2>/dev/null | grep -q 'install ok installed'" fails on "h"
    And the unit "keep.service" is active on "h"
