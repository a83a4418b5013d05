# Administration: sudo for members of the group sudo, without a password (keys only, see core/networking.nix).
{ pkgs, ... }:
{
  environment.systemPackages = [ pkgs.sudo ];

  environment.etc."sudoers.d/nixoa" = {
    text = "%sudo ALL=(ALL:ALL) NOPASSWD: ALL\n";
    mode = "0440";
  };
}
