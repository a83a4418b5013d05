# The Xen Orchestra appliance written as a NixOS host, the NiXOA way: a module function that imports the appliance's
# modules and sets the host's own options. It realizes to the same recipe as hosts/xoa.toml (XoaNixHostTest).
# The core/ and xo/ modules it imports are hostspec's TOML modules: .nix and .toml modules import each other.
{ lib, pkgs, ... }:
{
  imports = [ "core/base" "xo/xoa" "xo/storage" "xo/extras" ];

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
