# A source of Xen Orchestra releases for xo/updates, kept inside the lab (no internet). Written in Nix because the
# offer is rendered with builtins.toJSON, which a TOML module cannot do.
# A source of Xen Orchestra releases for xo/updates, kept inside the lab (no internet): at boot, unit
# xo-releases.service writes one archive per offered version into nixoa.releases.directory
# (xo-<version>.tar.gz, holding the release's release.json that the stand-in server plays) and a file `latest`
# naming the newest one. A version listed in nixoa.releases.broken is published as a bad release: its server
# fails its health check. Point nixoa.updates.source at it with file://<directory>.
{ config, lib, ... }:
let
  cfg = config.nixoa.releases;
in
{
  imports = [ "xo/xoa" ];

  options.nixoa.releases = {
    enable = lib.mkEnableOption "publishing the offered releases at boot";
    directory = lib.mkOption {
      type = lib.types.path;
      default = "/srv/xo-releases";
      description = "Where the archives and `latest` are written.";
    };
    versions = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      description = "The versions offered, e.g. [ \"5.1.0\" \"5.2.0\" ].";
    };
    broken = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      description = "Offered versions whose server fails its health check (each must be offered too).";
    };
    latest = lib.mkOption {
      type = lib.types.str;
      default = "";
      description = "The version `latest` names; empty: the highest offered version (compared number by number).";
    };
  };

  config = lib.mkMerge [
    (lib.mkIf cfg.enable {
      environment.etc."xo-releases/offer.json".text = builtins.toJSON {
        inherit (cfg) directory versions broken latest;
      };
      environment.etc."xo-releases/publish.py" = {
        mode = "0755";
        text = ''
          #!/usr/bin/python3
          """Publishes the offered XO releases (/etc/xo-releases/offer.json): one xo-<version>.tar.gz per version holding
          release.json, and `latest`. Written atomically, so an update never reads half an archive."""
          import io
          import json
          import os
          import sys
          import tarfile

          with open("/etc/xo-releases/offer.json") as f:
              offer = json.load(f)
          directory, versions, broken = offer["directory"], offer["versions"], offer["broken"]
          unknown = [v for v in broken if v not in versions]
          if unknown or not versions:
              sys.exit("xo-releases: nothing to publish" if not versions else "xo-releases: broken but not offered: " + ", ".join(unknown))
          os.makedirs(directory, exist_ok=True)


          def key(version):
              return [int(p) if p.isdigit() else p for p in version.replace("-", ".").split(".")]


          def publish(name, data):
              tmp = os.path.join(directory, "." + name + ".tmp")
              with open(tmp, "wb") as out:
                  out.write(data)
              os.replace(tmp, os.path.join(directory, name))


          for version in versions:
              release = json.dumps({"version": version, "healthy": version not in broken}).encode()
              buf = io.BytesIO()
              with tarfile.open(fileobj=buf, mode="w:gz") as tar:
                  info = tarfile.TarInfo("release.json")
                  info.size, info.mode = len(release), 0o644
                  tar.addfile(info, io.BytesIO(release))
              publish("xo-" + version + ".tar.gz", buf.getvalue())
          latest = offer["latest"] or max(versions, key=key)
          publish("latest", (latest + "\n").encode())
          print("xo-releases: published", ", ".join(versions), "(broken: " + (", ".join(broken) or "none") + "), latest", latest)
        '';
      };
      systemd.services.xo-releases = {
        description = "Publish the offered Xen Orchestra releases (the lab's release source)";
        wantedBy = [ "multi-user.target" ];
        before = [ "xo-server.service" ];
        serviceConfig = {
          Type = "oneshot";
          RemainAfterExit = true;
          ExecStart = "/usr/bin/python3 /etc/xo-releases/publish.py";
        };
      };
    })
    # The appliance's first start installs its release from this source: publish first.
    (lib.mkIf (cfg.enable && config.nixoa.xo.enable) {
      systemd.services.xo-server.after = [ "xo-releases.service" ];
      systemd.services.xo-server.wants = [ "xo-releases.service" ];
    })
  ];
}
