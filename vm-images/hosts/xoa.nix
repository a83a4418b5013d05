# The Xen Orchestra appliance written as a NixOS host, the NiXOA way: a module function that imports the
# appliance's Nix modules (core/*.nix, xo/*.nix) by path and sets the host's own options. It realizes to the same
# recipe as hosts/xoa.toml, which composes the TOML modules of the same names (XoaNixHostTest).
{ lib, pkgs, ... }:
{
  imports = [
    ../modules/core/base.nix
    ../modules/xo/xoa.nix
    ../modules/xo/storage.nix
    ../modules/xo/extras.nix
  ];

  networking.hostName = "xoa";

  nixoa.xo = {
    enable = true;
    port = 3000;
  };

  users.users.admin = {
    isNormalUser = true;
    extraGroups = [ "sudo" ];
    openssh.authorizedKeys.keys = [
      "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHsp3cHostspecExampleKeyNotARealOne0000000 admin@hostspec"
    ];
  };
}
