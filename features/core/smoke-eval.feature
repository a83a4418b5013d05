@eval
Feature: Smoke test of the evaluation steps

  Scenario: a docstring module defines an option
    Given the host "h" is configured with:
      """
      "time.timeZone" = "UTC"
      """
    Then the option "time.timeZone" of "h" is "UTC"
