@vm @homelab @acme
Feature: A reverse proxy with certificates from the lab's own ACME server
  nginx on "web" gets a certificate for app.home.lab from pebble on "acme" with lego and the HTTP-01 challenge, as
  NixOS' security.acme does; "client" trusts the lab's ACME server (its CA and its issuing root, fetched at boot) and
  verifies the certificate without -k. "app.home.lab" is an alias of "web" in every host's /etc/hosts.

  Background:
    Given the host "acme" is configured with:
      """
      services.pebble.enable = true
      """
    And the host "web" is configured with:
      """
      hostspec.lab.aliases = ["app.home.lab"]
      hostspec.lab.acmeServer = "acme"
      security.acme.acceptTerms = true
      security.acme.defaults.email = "admin@home.lab"
      # pebble's certificates are valid for 5 years: renew whenever the service runs, so that renewal shows
      security.acme.defaults.validMinDays = 3650
      networking.firewall.allowedTCPPorts = [80, 443]

      [services.nginx]
      enable = true

      [services.nginx.virtualHosts."app.home.lab"]
      enableACME = true
      forceSSL = true
      locations."/".return = "200 'hello from app'"
      """
    And the host "client" is configured with:
      """
      hostspec.lab.acmeServer = "acme"
      """

  Scenario: the client verifies pebble's certificate, and the renewal timer's service replaces it
    When the hosts are started
    Then the command "curl -fsS --max-time 3 https://app.home.lab/" eventually succeeds on "client"
    And the output contains "hello from app"
    When "client" runs "echo | openssl s_client -connect app.home.lab:443 -servername app.home.lab 2>/dev/null | openssl x509 -noout -issuer"
    Then the output contains "Pebble Intermediate CA"
    When "web" runs "openssl x509 -in /var/lib/acme/app.home.lab/cert.pem -noout -serial > /root/serial.before"
    And "web" runs "systemctl start $(systemctl show -P Triggers acme-app.home.lab.timer)"
    Then the command "openssl x509 -in /var/lib/acme/app.home.lab/cert.pem -noout -serial | grep -vxFf /root/serial.before" succeeds on "web"
    And the command "test \"$(echo | openssl s_client -connect 127.0.0.1:443 -servername app.home.lab 2>/dev/null | openssl x509 -noout -serial)\" = \"$(openssl x509 -in /var/lib/acme/app.home.lab/cert.pem -noout -serial)\"" eventually succeeds on "web"
    And the command "curl -fsS https://app.home.lab/" succeeds on "client"

  Scenario: with pebble stopped, issuance fails clearly and nginx keeps serving the certificate it has
    When the hosts are started
    Then the command "curl -fsS --max-time 3 https://app.home.lab/" eventually succeeds on "client"
    When "acme" runs "systemctl stop pebble.service"
    Then the command "systemctl start acme-app.home.lab.service" fails on "web"
    And the unit "acme-app.home.lab.service" has failed on "web"
    When "web" runs "journalctl -u acme-app.home.lab.service --no-pager"
    Then the output contains "did not answer after 30 attempts; no certificate issued"
    And the command "curl -fsS https://app.home.lab/" succeeds on "client"
    And the output contains "hello from app"
