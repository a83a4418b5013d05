@homelab
Feature: Health checks of the homelab apps
  Every monitored app has an endpoint in services.gatus.settings.endpoints: its page through nginx must answer 200.
  Gatus is not packaged for Debian; hostspec probes the same endpoints with prometheus-blackbox-exporter scraped by
  Prometheus, and `gatus-health NAME` prints what the last probe saw (docs/monitoring.md).

  Background:
    Given the host "lab" from "hosts/homelab"

  @eval
  Scenario: a check that the stand-in cannot evaluate is rejected with its line
    Given the host "lab" is configured with:
      """
      "services.gatus.settings".endpoints = [{ name = "tls", url = "https://wiki.home.lab/", conditions = ["[CERTIFICATE_EXPIRATION] > 48h"] }]
      """
    Then the configuration of "lab" is rejected with "has the condition `[CERTIFICATE_EXPIRATION] > 48h'"
    And the configuration of "lab" is rejected with "features/homelab/monitoring.feature:14"

  Scenario: an app that stops turns its check unhealthy, and healthy again when it starts
    Then the unit "prometheus.service" is active on "lab"
    And the unit "prometheus-blackbox-exporter.service" is active on "lab"
    And the command "gatus-health wiki" eventually succeeds on "lab"
    And the command "gatus-health photos" eventually succeeds on "lab"
    When "lab" runs "systemctl stop wiki.service"
    Then the command "gatus-health wiki unhealthy" eventually succeeds on "lab"
    And the command "gatus-health photos" succeeds on "lab"
    When "lab" runs "systemctl start wiki.service"
    Then the command "gatus-health wiki" eventually succeeds on "lab"
