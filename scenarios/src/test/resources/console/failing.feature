@eval
Feature: An evaluation that fails on purpose (the console tells its story)

  Scenario: the firewall is on by default
    Given a host "web"
    Then the option "networking.firewall.enable" of "web" is "true"

  Scenario: a wrong expectation
    Given a host "web"
    Then the option "networking.firewall.enable" of "web" is "false"
