@vm-only
Feature: faults injected from outside

  Scenario: QEMU is killed in the middle of a scenario
    Given a host "victim"
    When "victim" runs "true"
    And QEMU of "victim" is killed
    Then the command "sleep 1; echo survived" succeeds on "victim"

  Scenario: the next scenario runs normally
    Given a host "survivor"
    When "survivor" runs "echo alive"
    Then the output is "alive"

  Scenario: a step that does not exist
    Given a host "typo"
    Then "typo" is sparkling

  Scenario: a host that was never declared
    Given a host "declared"
    When "undeclared" runs "true"
