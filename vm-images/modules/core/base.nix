# NiXOA base system: boot, users, networking, packages and services of every appliance (core/base.toml in Nix).
{ lib, ... }:
{
  imports = [
    ./boot.nix
    ./users.nix
    ./networking.nix
    ./packages.nix
    ./services.nix
  ];

  time.timeZone = lib.mkDefault "UTC";
  i18n.defaultLocale = lib.mkDefault "C.UTF-8";
}
