# Monitoring template: Prometheus scrapes the node exporter of every host it is given (and its own), every 5 s.
{ config, lib, ... }:
let
  cfg = config.templates.monitoring;
in
{
  imports = [ "templates/base" ];

  options.templates.monitoring = {
    enable = lib.mkEnableOption "the Prometheus server";
    targets = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ "lb" "web1" "web2" "db" ];
      description = "Host names whose node exporters are scraped.";
    };
    exporterPort = lib.mkOption {
      type = lib.types.port;
      default = 9100;
      description = "The node exporters' port.";
    };
  };

  config = lib.mkIf cfg.enable {
    services.prometheus = {
      enable = true;
      globalConfig.scrape_interval = "5s";
      scrapeConfigs = [{
        job_name = "node";
        static_configs = [{ targets = map (h: "${h}:${toString cfg.exporterPort}") cfg.targets; }];
      }];
    };
    networking.firewall.allowedTCPPorts = [ config.services.prometheus.port ];
  };
}
