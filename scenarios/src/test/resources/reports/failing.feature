Feature: reporting a failure with its evidence (run by ReportsIT, deliberately failing)

  Scenario: a unit that fails is reported with its journal
    Given the host "xoa" from "hosts/xoa"
    When "xoa" runs "systemd-run --unit=hostspec-broken /bin/sh -c 'echo broken on purpose; exit 3'"
    Then the unit "hostspec-broken.service" is active on "xoa"
