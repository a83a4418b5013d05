# Database template: PostgreSQL with the site's database, its owner and its greeting table, answering only its
# clients: the firewall accepts PostgreSQL's port from the backend network only, and pg_hba.conf lets only the named
# client hosts log in (by host name, which PostgreSQL checks both ways against /etc/hosts).
{ config, lib, ... }:
let
  cfg = config.templates.database;
  pg = config.services.postgresql;
in
{
  imports = [ "templates/base" ];

  options.templates.database = {
    enable = lib.mkEnableOption "the site's PostgreSQL database";
    name = lib.mkOption {
      type = lib.types.str;
      default = "web";
      description = "The database and the user that owns it.";
    };
    password = lib.mkOption {
      type = lib.types.str;
      default = "web-secret";
      description = "The user's password (a lab secret, in the image).";
    };
    clients = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ "web1" "web2" ];
      description = "Host names allowed to log in (pg_hba.conf host lines, scram-sha-256).";
    };
    clientNetwork = lib.mkOption {
      type = lib.types.str;
      default = "198.18.1.0/24";
      description = "The network the firewall accepts PostgreSQL connections from (the backend LAN).";
    };
    greeting = lib.mkOption {
      type = lib.types.str;
      default = "Hello from PostgreSQL";
      description = "The row the web servers read.";
    };
  };

  config = lib.mkIf cfg.enable {
    services.postgresql = {
      enable = true;
      enableTCPIP = true;
      authentication = lib.concatMapStringsSep "\n"
        (host: "host ${cfg.name} ${cfg.name} ${host} scram-sha-256") cfg.clients;
      ensureDatabases = [ cfg.name ];
      ensureUsers = [{
        name = cfg.name;
        ensureDBOwnership = true;
        ensureClauses.login = true;
      }];
      initialScript = "/etc/templates/database-initial.sql";
    };

    # Runs before ensureDatabases and ensureUsers (as in NixOS): it makes the user with its password, the database
    # and the table; the ensure* statements then find them and only make sure of the ownership.
    environment.etc."templates/database-initial.sql".text = ''
      CREATE ROLE "${cfg.name}" LOGIN PASSWORD '${cfg.password}';
      CREATE DATABASE "${cfg.name}" OWNER "${cfg.name}";
      \connect ${cfg.name}
      CREATE TABLE greeting (id serial PRIMARY KEY, message text NOT NULL);
      INSERT INTO greeting (message) VALUES ('${cfg.greeting}');
      ALTER TABLE greeting OWNER TO "${cfg.name}";
    '';

    networking.firewall.extraInputRules =
      "ip saddr ${cfg.clientNetwork} tcp dport ${toString pg.port} accept";
  };
}
