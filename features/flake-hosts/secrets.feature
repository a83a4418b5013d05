Feature: sops secrets, decrypted in the guest at activation
  hosts/laptop declares sops-nix secrets from vm-images/secrets/laptop.yaml (a SOPS file encrypted to the committed
  TEST key vm-images/secrets/test-keys/laptop.agekey). hostspec delivers the age key through the guest agent after
  the machine starts; sops-install-secrets decrypts each secret into /run/secrets.d/N on ramfs, /run/secrets pointing
  at it, with the owner and mode of its declaration. docs/secrets.md has the whole story.

  @eval
  Scenario: a secret's path is usable in other options
    Given the host "laptop" from "hosts/laptop"
    Then the option "sops.secrets.api-token.path" of "laptop" is "/run/secrets/api-token"
    And the option "users.users.alice.hashedPasswordFile" of "laptop" is "/run/secrets/alice-password"
    And the option "sops.secrets.api-token.mode" of "laptop" is "0400"

  @eval
  Scenario: a key that is not in the SOPS file is rejected, naming the secret and its definition
    Given the host "h" is configured with:
      """
      "sops.defaultSopsFile" = "../../vm-images/secrets/laptop.yaml"
      "sops.secrets.db-password" = { owner = "root" }
      """
    Then the configuration of "h" is rejected with "The secret `db-password': the key `db-password' is not in vm-images/secrets/laptop.yaml (its keys: alice-password, api)"

  @eval
  Scenario: a secret whose SOPS file does not exist is rejected, naming the secret
    Given the host "h" is configured with:
      """
      "sops.secrets.token" = { sopsFile = "secrets/missing.yaml" }
      """
    Then the configuration of "h" is rejected with "The secret `token' reads the SOPS file secrets/missing.yaml, which does not exist"

  @eval
  Scenario: a secret without any SOPS file is rejected
    Given the host "h" is configured with:
      """
      "sops.secrets.token" = { owner = "root" }
      """
    Then the configuration of "h" is rejected with "The secret `token' has no SOPS file"

  @vm @vm-only @secrets
  Scenario: a secret is readable by its owner and nobody else, on ramfs, and a user's password comes from one
    Given the host "laptop" from "hosts/laptop"
    And the host "laptop" has the age key "vm-images/secrets/test-keys/laptop.agekey"
    When "laptop" runs "stat -L -c '%U %G %a' /run/secrets/api-token"
    Then the output is "alice users 400"
    When "laptop" runs "runuser -u alice -- cat /run/secrets/api-token"
    Then the output is "laptop-api-token-1f0c7e9a"
    And the command "runuser -u nobody -- cat /run/secrets/api-token" fails on "laptop"
    And the command "runuser -u alice -- cat /run/secrets/alice-password" fails on "laptop"
    When "laptop" runs "findmnt -n -o FSTYPE /run/secrets.d"
    Then the output is "ramfs"
    When "laptop" runs "readlink /run/secrets"
    Then the output is "/run/secrets.d/1"
    When "laptop" runs "getent shadow alice | cut -d: -f2"
    Then the output contains "$6$hostspecsalt$"
    And the unit "api-client.service" is active on "laptop"

  @vm @vm-only @secrets
  Scenario: the plaintext is in no image, overlay, snapshot or cache file
    Given the host "laptop" from "hosts/laptop"
    And the host "laptop" has the age key "vm-images/secrets/test-keys/laptop.agekey"
    Then the command "test -s /run/secrets/api-token" succeeds on "laptop"
    When "laptop" runs "sync"
    Then the plaintext "laptop-api-token-1f0c7e9a" is in no image, snapshot or run file of "laptop"

  @vm @vm-only @secrets
  Scenario: a wrong key fails activation with a message naming the secrets
    Given the host "laptop" from "hosts/laptop"
    And the host "laptop" has the age key "vm-images/secrets/test-keys/wrong.agekey"
    Then starting "laptop" fails with "cannot decrypt the secrets `alice-password', `api-token' of vm-images/secrets/laptop.yaml"

  @vm @vm-only @secrets @generations
  Scenario: a switch that changes a secret restarts the units of its restartUnits
    Given the host "laptop" from "hosts/laptop"
    And the host "laptop" has the age key "vm-images/secrets/test-keys/laptop.agekey"
    Then the unit "api-client.service" is active on "laptop"
    When "laptop" switches to a configuration with:
      """
      [[config]]
      priority = "force"
      "sops.secrets.api-token.sopsFile" = "../../vm-images/secrets/laptop-rotated.yaml"
      """
    Then the last switch of "laptop" restarted "api-client.service"
    And the last switch of "laptop" restarted "sops-install-secrets.service"
    When "laptop" runs "cat /run/secrets/api-token"
    Then the output is "laptop-api-token-rotated-52e1"
    When "laptop" runs "readlink /run/secrets"
    Then the output is "/run/secrets.d/2"
