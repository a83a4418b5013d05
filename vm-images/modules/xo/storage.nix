# Backup remotes of Xen Orchestra: NFS and SMB clients (both off by default to keep images small).
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkEnableOption mkIf mkMerge;
  cfg = config.nixoa.storage;
in
{
  options.nixoa.storage = {
    nfs.enable = mkEnableOption "the NFS client for NFS remotes";
    cifs.enable = mkEnableOption "the SMB client for SMB remotes";
  };

  config = mkMerge [
    (mkIf cfg.nfs.enable {
      environment.systemPackages = [ pkgs.nfs-utils ];
      boot.kernelModules = [ "nfs" ];
    })
    (mkIf cfg.cifs.enable {
      environment.systemPackages = [ pkgs.cifs-utils ];
      boot.kernelModules = [ "cifs" ];
    })
  ];
}
