# TLS certificate of the XO web interface: self-signed, created on first boot when the files are missing.
{ config, lib, ... }:
let
  inherit (lib) mkIf mkOption types;
  cfg = config.nixoa.autocert;
  xo = config.nixoa.xo;
in
{
  imports = [ ./xoa.nix ];

  options.nixoa.autocert = {
    enable = mkOption {
      type = types.bool;
      default = true;
      description = "Give the XO virtual host a self-signed certificate.";
    };
    certificate = mkOption {
      type = types.path;
      default = "/etc/ssl/xo/certificate.pem";
      description = "Certificate file (PEM).";
    };
    key = mkOption {
      type = types.path;
      default = "/etc/ssl/xo/key.pem";
      description = "Private key file (PEM).";
    };
  };

  config = mkIf (xo.enable && xo.tls.enable && cfg.enable) {
    services.nginx.virtualHosts.xo = {
      selfSigned = true;
      sslCertificate = cfg.certificate;
      sslCertificateKey = cfg.key;
    };
  };
}
