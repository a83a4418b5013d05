# hosts/homelab written in Nix: the same three apps through the same service pattern (the TOML module
# homelab/services). It realizes to the same recipe as hosts/homelab.toml (HomelabHostTest).
{ lib, ... }:
let
  apps = {
    wiki = { port = 8081; homepage.description = "notes of the house"; };
    photos = { port = 8082; };
    files = { port = 8083; subdomain = "cloud"; };
  };
in
{
  imports = [ "homelab/services" ];

  networking.hostName = "lab";
  virtualisation.memorySize = 1536;

  homelab.backup.repository = "sftp:backup@store:/home/backup/restic";
  homelab.backup.extraOptions = [
    "sftp.command='ssh backup@store -i /root/.ssh/id_ed25519 -o StrictHostKeyChecking=accept-new -s sftp'"
  ];

  homelab.services = lib.mapAttrs (name: app: app // { enable = true; }) apps;
}
