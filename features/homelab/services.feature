@homelab
Feature: The homelab's service pattern
  hosts/homelab enables three apps (wiki, photos, files) of the module homelab/services with a few lines each. Each
  enabled app becomes its own unit, an nginx virtual host <subdomain>.home.lab proxying to its port, a health check
  and a restic backup of its state directory, and a line on the homepage home.lab. The apps are hostspec's stand-in
  (busybox httpd serving /var/lib/<app>); the pattern is what is tested.

  Background:
    Given the host "lab" from "hosts/homelab"

  @eval
  Scenario: each app expands into its unit, proxy, check and backup
    Then the option "systemd.services.photos.wantedBy" of "lab" is "["multi-user.target"]"
    And the option "services.nginx.virtualHosts.files.serverName" of "lab" is "cloud.home.lab"
    And the option "services.nginx.virtualHosts.wiki.serverName" of "lab" is "wiki.home.lab"
    And the option "services.restic.backups.files.repository" of "lab" is "sftp:backup@store:/home/backup/restic/files"
    And the option "services.gatus.enable" of "lab" is "true"

  @eval
  Scenario: with homelab.acme.enable every app is served over HTTPS with an ACME certificate for its name
    Given the host "lab" is configured with:
      """
      "homelab.acme.enable" = true
      "security.acme.acceptTerms" = true
      "security.acme.defaults.email" = "admin@home.lab"
      "hostspec.lab.acmeServer" = "acme"
      """
    Then the option "services.nginx.virtualHosts.files.enableACME" of "lab" is "true"
    And the option "services.nginx.virtualHosts.wiki.forceSSL" of "lab" is "true"
    And the option "hostspec.lab.aliases" of "lab" is "["cloud.home.lab", "photos.home.lab", "wiki.home.lab"]"

  @eval
  Scenario: an app without a port is rejected, naming where the app is declared
    Given the host "lab" is configured with:
      """
      "homelab.services.blog.enable" = true
      """
    Then the configuration of "lab" is rejected with "The option `homelab.services.blog.port' is used but not defined"
    And the configuration of "lab" is rejected with "`homelab.services.blog' is defined at features/homelab/services.feature:36"

  @eval
  Scenario: two apps on one domain are rejected, naming both virtual hosts
    Given the host "lab" is configured with:
      """
      "homelab.services.photos.subdomain" = "cloud"
      """
    Then the configuration of "lab" is rejected with "The nginx virtual hosts `files' and `photos' both answer to `cloud.home.lab'"
    And the configuration of "lab" is rejected with "`services.nginx.virtualHosts.photos.serverName' is defined at vm-images/modules/homelab/services.toml:"

  Scenario: the apps answer by name through nginx, and only nginx is reachable from the LAN
    Given a host "laptop"
    When the hosts are started
    Then the unit "wiki.service" is active on "lab"
    And the command "curl -fsS http://wiki.home.lab/" eventually succeeds on "lab"
    And the output contains "<h1>wiki</h1>"
    And the command "curl -fsS http://cloud.home.lab/" eventually succeeds on "lab"
    And the output contains "<h1>files</h1>"
    When "lab" runs "curl -fsS http://home.lab/"
    Then the output contains "<a href=\"http://photos.home.lab/\">photos</a>"
    And the command "curl -fsS -H 'Host: photos.home.lab' http://lab/" eventually succeeds on "laptop"
    And the output contains "<h1>photos</h1>"
    And "laptop" can reach "lab" on TCP port 80
    And "laptop" cannot reach "lab" on TCP port 8082
