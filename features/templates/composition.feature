@eval @templates
Feature: Hosts composed from templates and fragments
  A lab host (hosts/lab/*) imports one service template and switches it on; the template imports templates/base,
  which brings the networking, packages, services and users fragments. These scenarios evaluate only.

  Scenario: a host is its template plus a switch, and the base fragments come with it
    Given the host "web1" from "hosts/lab/web1"
    Then the option "services.nginx.enable" of "web1" is "true"
    And the option "services.prometheus.exporters.node.enable" of "web1" is "true"
    And the option "users.users.ops.isNormalUser" of "web1" is "true"
    And the option "networking.firewall.allowedTCPPorts" of "web1" is "[80]"
    And the option "services.nginx.virtualHosts.site.default" of "web1" is "true"

  Scenario: a template's options choose what it renders
    Given the host "db" from "hosts/lab/db"
    And the host "db" is configured with:
      """
      "templates.database.clients" = ["app1"]
      "templates.database.name" = "shop"
      """
    Then the option "services.postgresql.authentication" of "db" is "host shop shop app1 scram-sha-256"
    And the option "services.postgresql.ensureDatabases" of "db" is "["shop"]"

  Scenario: a fragment of the base can be switched off
    Given the host "db" from "hosts/lab/db"
    And the host "db" is configured with:
      """
      "templates.base.monitoring.enable" = false
      """
    Then the option "services.prometheus.exporters.node.enable" of "db" is "false"

  Scenario: a database owner needs a database of its name, as NixOS asserts
    Given the host "db" from "hosts/lab/db"
    And the host "db" is configured with:
      """
      "services.postgresql.ensureUsers" = [{ name = "shop", ensureDBOwnership = true }]
      """
    Then the configuration of "db" is rejected with "Offender: shop has not been found among databases [web]"
    And the configuration of "db" is rejected with "features/templates/composition.feature:36"

  Scenario: an ensureUsers entry with a misspelt key is named with its line
    Given the host "db" from "hosts/lab/db"
    And the host "db" is configured with:
      """
      "services.postgresql.ensureUsers" = [{ name = "web", ensureDBOwnershp = true }]
      """
    Then the configuration of "db" is rejected with "it has the unknown key `ensureDBOwnershp'"
    And the configuration of "db" is rejected with "features/templates/composition.feature:45"

  Scenario: HAProxy needs its whole configuration
    Given the host "lb" is configured with:
      """
      "services.haproxy.enable" = true
      """
    Then the configuration of "lb" is rejected with "You must provide services.haproxy.config"
