Feature: Host features switch profiles on, only on the hosts that have them
  A host declares features (hostFeatures, as the flake-parts hosts architecture passes them to NixOS modules as a
  specialArg); a .nix module reads them as the `hostFeatures' argument, a TOML module imports a module or applies a
  block only for a feature. hosts/common/base imports the development profile (a .nix module guarded by
  `builtins.elem "development" hostFeatures') and the security profile (a TOML import that depends on the feature).

  @eval
  Scenario: a feature's packages, units and firewall rules are on the host with the feature and not on the other
    Given a host "snix" with the features "development, security"
    And a host "snix" with the modules "hosts/common/base"
    And a host "plain" with the modules "hosts/common/base"
    Then the option "environment.systemPackages" of "snix" is "["jq"]"
    And the option "environment.systemPackages" of "plain" is "[]"
    And the option "systemd.services.dev-docs.wantedBy" of "snix" is "["multi-user.target"]"
    And the option "systemd.services.audit-listener.wantedBy" of "snix" is "["multi-user.target"]"
    And the option "networking.firewall.allowedTCPPorts" of "snix" is "[8000, 8443]"
    And the option "networking.firewall.allowedTCPPorts" of "plain" is "[]"
    And the option "networking.firewall.extraInputRules" of "snix" is "ip saddr 198.51.100.0/24 drop"
    And the option "networking.firewall.extraInputRules" of "plain" is ""

  @eval
  Scenario: a block of a module applies only with its feature
    Given a host "dev" with the features "development"
    And the host "dev" is configured with:
      """
      [[config]]
      feature = "development"
      "time.timeZone" = "Europe/Berlin"

      [[config]]
      feature = ["development", "security"]
      "i18n.defaultLocale" = "de_DE.UTF-8"
      """
    Then the option "time.timeZone" of "dev" is "Europe/Berlin"
    And the option "i18n.defaultLocale" of "dev" is "C.UTF-8"

  @eval
  Scenario: a host file gives its features to every module it imports
    Given the host "laptop" is configured with:
      """
      hostFeatures = ["security"]
      imports = ["hosts/common/base"]
      """
    Then the option "networking.firewall.allowedTCPPorts" of "laptop" is "[8443]"
    And the option "environment.systemPackages" of "laptop" is "[]"

  @eval
  Scenario: only a host gives features, not a module it imports
    Given the host "h" is configured with:
      """
      imports = ["hosts/laptop"]
      """
    Then the configuration of "h" is rejected with "`hostFeatures' is given to a host"

  @eval
  Scenario: a feature name is a name
    Given the host "h" is configured with:
      """
      hostFeatures = ["dev tools"]
      """
    Then the configuration of "h" is rejected with "a host feature is a name such as"
