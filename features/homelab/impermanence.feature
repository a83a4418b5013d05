@vm @vm-only @homelab @impermanence
Feature: A root file system that is reset on every boot, with declared state kept on /persist
  environment.persistence (the options of nix-community/impermanence): everything written to / is gone after a
  reboot, except the directories and files declared, which are bound from /persist on the host's disk.

  Background:
    Given the host "eph" is configured with:
      """
      services.openssh.enable = true

      [environment.persistence."/persist"]
      directories = ["/var/lib/app", { directory = "/srv/private", mode = "0700" }]
      files = ["/etc/machine-id", "/etc/ssh/ssh_host_ed25519_key", "/etc/ssh/ssh_host_ed25519_key.pub"]
      """

  Scenario: only what is persisted survives a reboot
    When "eph" runs "findmnt -n -o FSTYPE /"
    Then the output is "overlay"
    When "eph" runs "echo gone > /etc/scratch && echo kept > /var/lib/app/data && echo secret > /srv/private/s"
    And "eph" reboots
    Then the command "test -e /etc/scratch" fails on "eph"
    And "eph" has the file "/var/lib/app/data" containing "kept"
    And "eph" has the file "/srv/private/s" containing "secret"
    When "eph" runs "stat -c %a /persist/srv/private"
    Then the output is "700"

  Scenario: declared identity persists across a reboot, undeclared identity is new
    When "eph" runs "cat /etc/machine-id /etc/ssh/ssh_host_ed25519_key.pub /etc/ssh/ssh_host_rsa_key.pub > /persist/before"
    And "eph" reboots
    Then the command "test \"$(sed -n 1p /persist/before)\" = \"$(cat /etc/machine-id)\"" succeeds on "eph"
    And the command "test \"$(sed -n 2p /persist/before)\" = \"$(cat /etc/ssh/ssh_host_ed25519_key.pub)\"" succeeds on "eph"
    And the command "test \"$(sed -n 3p /persist/before)\" != \"$(cat /etc/ssh/ssh_host_rsa_key.pub)\"" succeeds on "eph"
    And the unit "ssh.service" is active on "eph"

  @generations
  Scenario: a switch lasts until the next boot, and the generation record says so
    When "eph" switches to a configuration with:
      """
      environment.etc."switched".text = "generation 2"
      """
    Then "eph" is at generation 2
    And "eph" has the file "/etc/switched" containing "generation 2"
    When "eph" reboots
    Then the command "test -e /etc/switched" fails on "eph"
    And "eph" is at generation 1
    When "eph" runs "cut -f 2 /var/lib/hostspec/generations/history | paste -sd , -"
    Then the output is "boot,switch,reset"
