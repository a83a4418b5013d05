@vm @vm-only
Feature: A TPM 2.0 per host: secrets sealed to it survive reboots, every scenario starts with a fresh one
  hosts/common/tpm sets security.tpm2.enable: the host gets an emulated TPM (swtpm on the machine running hostspec,
  its state kept with the machine for the scenario) and tpm2-tools. A container has no TPM, so these need a VM.

  Background:
    Given a host "vault" with the modules "hosts/common/tpm"

  Scenario: A secret sealed to the TPM is unsealed after a reboot and after a crash
    When "vault" runs "test -c /dev/tpmrm0 && cd /root && tpm2_createprimary -Q -C o -G ecc -c primary.ctx"
    And "vault" runs "cd /root && printf s3cret | tpm2_create -Q -C primary.ctx -i - -u seal.pub -r seal.priv"
    And "vault" runs "cd /root && tpm2_load -Q -C primary.ctx -u seal.pub -r seal.priv -c seal.ctx"
    And "vault" runs "cd /root && tpm2_evictcontrol -Q -C o -c seal.ctx 0x81010001 && rm -f *.ctx"
    And "vault" reboots
    Then the command "tpm2_unseal -c 0x81010001" succeeds on "vault"
    And the output is "s3cret"
    When "vault" crashes
    And "vault" is started
    Then the command "tpm2_unseal -c 0x81010001" succeeds on "vault"
    And the output is "s3cret"

  Scenario: A fresh scenario has a fresh TPM: nothing sealed by an earlier scenario is there
    Then the command "tpm2_getcap handles-persistent" succeeds on "vault"
    And the command "tpm2_getcap handles-persistent | grep 0x81010001" fails on "vault"
    And the command "tpm2_readpublic -c 0x81010001" fails on "vault"
