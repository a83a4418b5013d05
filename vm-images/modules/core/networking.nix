# Networking of the appliance: firewall on, SSH with keys only, no root login.
{ lib, ... }:
with lib;
{
  networking = {
    hostName = mkDefault "nixoa";
    firewall.enable = mkDefault true;
  };

  services.openssh = {
    enable = mkDefault true;
    settings = {
      PasswordAuthentication = mkDefault false;
      PermitRootLogin = mkDefault "no";
    };
  };
}
