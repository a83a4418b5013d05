# Load balancer template: HAProxy spreads HTTP over the web servers (round robin), checks each one's /health every
# two seconds, and shows the backends' state on its stats socket (/run/haproxy/admin.sock: "show stat").
{ config, lib, ... }:
let
  cfg = config.templates.loadBalancer;
  server = name: "  server ${name} ${name}:${toString cfg.backendPort} check inter 2s fall 2 rise 2";
in
{
  imports = [ "templates/base" ];

  options.templates.loadBalancer = {
    enable = lib.mkEnableOption "the HTTP load balancer";
    port = lib.mkOption {
      type = lib.types.port;
      default = 80;
      description = "The port clients connect to.";
    };
    backends = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ "web1" "web2" ];
      description = "Host names of the web servers.";
    };
    backendPort = lib.mkOption {
      type = lib.types.port;
      default = 80;
      description = "The web servers' port.";
    };
    healthCheck = lib.mkOption {
      type = lib.types.str;
      default = "/health";
      description = "The path HAProxy asks each web server for.";
    };
  };

  config = lib.mkIf cfg.enable {
    services.haproxy = {
      enable = true;
      config = ''
        global
          stats socket /run/haproxy/admin.sock mode 660 level admin
          log stdout format raw local0

        defaults
          mode http
          log global
          timeout connect 5s
          timeout client 30s
          timeout server 30s

        frontend www
          bind :${toString cfg.port}
          default_backend web

        backend web
          balance roundrobin
          option httpchk GET ${cfg.healthCheck}
          default-server init-addr last,libc,none
        ${lib.concatMapStringsSep "\n" server cfg.backends}
      '';
    };
    networking.firewall.allowedTCPPorts = [ cfg.port ];

    # HAProxy resolves its servers' names when it loads its configuration; a lab host learns the others' addresses
    # after it booted (and again after a snapshot restore), so a change of /etc/hosts reloads it.
    environment.systemPackages = [ "inotify-tools" ];
    systemd.services.haproxy-hosts = {
      description = "Reload HAProxy when /etc/hosts changes";
      wantedBy = [ "multi-user.target" ];
      after = [ "haproxy.service" ];
      # The checksum is taken before each wait, so a change between two waits is not missed.
      script = ''
        last=""
        while :; do
          now=$(sha256sum /etc/hosts)
          if [ "$now" != "$last" ]; then
            systemctl try-reload-or-restart haproxy.service
            last=$now
          fi
          inotifywait -qq -t 60 -e close_write -e moved_to --include '^/etc/hosts$' /etc || true
        done
      '';
      serviceConfig.Restart = "always";
    };
  };
}
