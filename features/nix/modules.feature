@eval
Feature: Modules written in Nix
  A docstring opened with """nix is a NixOS module, composed with TOML ones like any other module: priorities,
  conflicts with every definition's file:line, and options NixOS has that hostspec does not realize. Nothing is
  booted: these scenarios only evaluate.

  Scenario: A Nix docstring is a module function with options, mkIf and mkDefault
    Given the host "web" is configured with:
      """nix
      { config, lib, pkgs, ... }:
      let cfg = config.site; in {
        options.site = {
          enable = lib.mkEnableOption "the site";
          port = lib.mkOption { type = lib.types.port; default = 8080; };
        };
        config = lib.mkIf cfg.enable {
          networking.firewall.allowedTCPPorts = [ cfg.port ];
          environment.systemPackages = [ pkgs.redis ];
          time.timeZone = lib.mkDefault "Europe/Paris";
        };
      }
      """
    And the host "web" is configured with:
      """
      "site.enable" = true
      "site.port" = 8443
      """
    Then the option "networking.firewall.allowedTCPPorts" of "web" is "[8443]"
    And the option "environment.systemPackages" of "web" is "["redis-server"]"
    And the option "time.timeZone" of "web" is "Europe/Paris"

  Scenario: A conflict between a Nix docstring and a TOML one names both lines
    Given the host "web" is configured with:
      """nix
      { networking.hostName = "a"; }
      """
    And the host "web" is configured with:
      """
      "networking.hostName" = "b"
      """
    Then the configuration of "web" is rejected with "- In features/nix/modules.feature:35: "a""

  Scenario: An option NixOS has but hostspec does not realize is an error with its file:line
    Given the host "web" is configured with:
      """nix
      {
        boot.loader.grub.enable = true;
      }
      """
    Then the configuration of "web" is rejected with "- `boot.loader.grub.enable' at features/nix/modules.feature:47 (NixOS boot.loader.*)"

  Scenario: A host may accept options hostspec does not realize, with a warning
    Given the host "web" is configured with:
      """nix
      {
        hostspec.unrealizedOptions = "warn";
        boot.loader.grub.enable = true;
        programs.git.enable = true;
      }
      """
    Then the option "hostspec.unrealizedOptions" of "web" is "warn"
