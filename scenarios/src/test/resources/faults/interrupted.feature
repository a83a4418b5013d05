Feature: a run stopped by a signal

  Scenario: finishes before the signal
    Given a host "term"
    When "term" runs "echo done"
    Then the output is "done"

  Scenario: is running when the signal arrives
    Given a host "term"
    When "term" runs "touch /tmp/started; sleep 600"
