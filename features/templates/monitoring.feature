@vm @templates
Feature: The monitoring template scrapes every host of the lab
  hosts/lab/monitor (templates/services/monitoring) runs Prometheus; every host of the lab runs the node exporter
  of the base fragment templates/base/services. Prometheus' own answer, asked from inside the monitoring host, says
  whether each target is up.

  Scenario: Prometheus on the monitoring host sees the four other hosts up
    Given the host "monitor" from "hosts/lab/monitor"
    And the host "lb" from "hosts/lab/lb"
    And the host "web1" from "hosts/lab/web1"
    And the host "web2" from "hosts/lab/web2"
    And the host "db" from "hosts/lab/db"
    When the hosts are started
    Then the unit "prometheus.service" is active on "monitor"
    And the command "curl -fsS 'http://localhost:9090/api/v1/query?query=up' | jq -e '[.data.result[] | select(.value[1] == \"1\")] | length == 4'" eventually succeeds on "monitor"
    When "monitor" runs "curl -fsS 'http://localhost:9090/api/v1/query?query=up' | jq -r '.data.result[] | .metric.instance + \" \" + .value[1]' | sort | paste -sd ' '"
    Then the output is "db:9100 1 lb:9100 1 web1:9100 1 web2:9100 1"
