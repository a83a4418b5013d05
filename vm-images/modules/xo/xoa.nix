# Xen Orchestra appliance (NiXOA layout), xo/xoa.toml in Nix. Xen Orchestra itself is not packaged for Debian: the
# default nixoa.xo.command runs a STAND-IN of ours, ./standin.py installed as /etc/xo-server/standin.py, which reads
# the generated /etc/xo-server/config.nixoa.toml, pings Redis over the unix socket and serves /health on the
# configured port. It proves the wiring (users, groups, socket permissions, firewall, TLS proxy), not Xen Orchestra.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkEnableOption mkIf mkMerge mkOption types;
  cfg = config.nixoa.xo;
in
{
  imports = [ ./xo-config.nix ./autocert.nix ];

  options.nixoa.xo = {
    enable = mkEnableOption "xo-server, its Redis and the nginx TLS proxy in front of it";

    host = mkOption {
      type = types.str;
      default = "127.0.0.1";
      description = "Address xo-server listens on; nginx proxies to it.";
    };

    port = mkOption {
      type = types.port;
      default = 3000;
      description = "HTTP port of xo-server (behind nginx).";
    };

    dataDir = mkOption {
      type = types.path;
      default = "/var/lib/xo-server";
      description = "State directory of xo-server.";
    };

    command = mkOption {
      type = types.str;
      default = "/usr/bin/python3 /etc/xo-server/standin.py /etc/xo-server/config.nixoa.toml";
      description = "The command that runs the server (default: the hostspec stand-in).";
    };

    tls.enable = mkOption {
      type = types.bool;
      default = true;
      description = "Serve the web interface over HTTPS on 443 (HTTP 80 redirects).";
    };

    redis.socket = mkOption {
      type = types.path;
      default = "/run/redis-xo/redis.sock";
      description = "Unix socket of the xo Redis server.";
    };
  };

  config = mkIf cfg.enable (mkMerge [
    {
      environment.systemPackages = [ pkgs.python3 ];

      services.redis.servers.xo = {
        enable = true;
        port = 0;
        unixSocket = cfg.redis.socket;
        unixSocketPerm = 770;
      };

      users.users.xo = {
        isSystemUser = true;
        group = "xo";
        extraGroups = [ "redis-xo" ];
      };
      users.groups.xo.members = [ ];

      systemd.services.xo-server = {
        description = "Xen Orchestra server";
        wantedBy = [ "multi-user.target" ];
        after = [ "network.target" "redis-xo.service" ];
        requires = [ "redis-xo.service" ];
        serviceConfig = {
          # A list, so that other modules (xo/updates) add their own steps before the start.
          ExecStartPre = [ "+/usr/bin/install -d -o xo -g xo ${cfg.dataDir}" ];
          ExecStart = cfg.command;
          User = "xo";
          Group = "xo";
          WorkingDirectory = cfg.dataDir;
          StateDirectory = "xo-server";
          Restart = "on-failure";
          RestartSec = 2;
        };
      };

      services.nginx = {
        enable = true;
        recommendedProxySettings = true;
        virtualHosts.xo.locations."/" = {
          proxyPass = "http://127.0.0.1:${toString cfg.port}";
          proxyWebsockets = true;
        };
      };

      networking.firewall.allowedTCPPorts = [ 80 ];

      environment.etc."xo-server/standin.py".text = builtins.readFile ./standin.py;
    }

    (mkIf cfg.tls.enable {
      services.nginx.virtualHosts.xo.forceSSL = true;
      networking.firewall.allowedTCPPorts = [ 443 ];
    })
  ]);
}
