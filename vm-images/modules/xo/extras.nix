# Optional tools for administrators of the appliance.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkEnableOption mkIf mkOption types;
  cfg = config.nixoa.extras;
in
{
  options.nixoa.extras = {
    enable = mkEnableOption "the extra tools";
    packages = mkOption {
      type = types.listOf types.package;
      default = with pkgs; [ tmux ncdu rsync ];
      description = "The extra tools.";
    };
  };

  config = mkIf cfg.enable {
    environment.systemPackages = cfg.packages;
  };
}
