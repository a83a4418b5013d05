package io.hostspec.module;

import java.util.List;
import java.util.Optional;

/**
 * The one table of options NixOS has that hostspec does not realize. A definition of an option nobody declared is an
 * unknown option (an error with "did you mean"), unless the option is in this table: then it is a NixOS option that
 * would have no effect on the image, reported as such ({@code hostspec.unrealizedOptions}, docs/nix.md).
 *
 * <p>An entry is an option path, where {@code <name>} stands for any name of an attribute set of submodules; an entry
 * ending in {@code .*} is a whole area (every option under it). Whole areas are listed only where hostspec realizes
 * nothing; inside areas it realizes in part (networking, users, systemd, openssh, nginx, redis) the table names the
 * single options, so that a typo there is still an unknown option with a suggestion. A declared option always wins
 * over the table: an area a realizer or a module declares is realized, whatever the table says.
 */
public final class NixosOptions {

    /** The option that chooses what happens to definitions of unrealized options. */
    public static final String POLICY_OPTION = "hostspec.unrealizedOptions";

    private static final List<String> UNREALIZED = List.of(
            // boot: the image boots its own Debian kernel directly; loaders, initrd and kernel choice do not apply
            "boot.loader.*", "boot.initrd.*", "boot.kernelPackages", "boot.kernelParams", "boot.extraModulePackages",
            "boot.blacklistedKernelModules", "boot.supportedFilesystems", "boot.tmp.*", "boot.plymouth.*",
            "boot.consoleLogLevel", "boot.growPartition", "boot.binfmt.*", "boot.extraModprobeConfig",
            "boot.isContainer", "boot.kernel.enable",
            // whole areas of NixOS that hostspec has no realizer for
            "hardware.*", "sound.*", "fonts.*", "console.*", "documentation.*", "nix.*", "nixpkgs.*", "xdg.*",
            "qt.*", "programs.*", "location.*", "zramSwap.*", "swapDevices", "powerManagement.*", "appstream.*",
            "system.stateVersion", "system.autoUpgrade.*", "system.copySystemConfiguration", "system.nixos.*",
            "system.activationScripts.*", "security.sudo.*", "security.polkit.*", "security.rtkit.*",
            "security.pam.*", "security.apparmor.*", "security.wrappers.*", "virtualisation.docker.*",
            "virtualisation.podman.*", "virtualisation.libvirtd.*", "virtualisation.xen.*",
            "virtualisation.diskSize", "virtualisation.graphics", "virtualisation.forwardPorts",
            "virtualisation.sharedDirectories.*", "virtualisation.vmVariant.*",
            "services.xserver.*", "services.displayManager.*", "services.desktopManager.*", "services.pipewire.*",
            "services.pulseaudio.*", "services.printing.*", "services.avahi.*", "services.fail2ban.*",
            "services.tailscale.*", "services.journald.*", "services.timesyncd.*", "services.logind.*",
            "services.udev.*", "services.dbus.*", "services.fstrim.*", "services.qemuGuest.*",
            "services.xe-guest-utilities.*", "services.fwupd.*", "services.thermald.*", "services.tlp.*",
            "services.power-profiles-daemon.*", "services.blueman.*", "services.flatpak.*", "services.getty.*",
            "services.cron.*", "services.chrony.*", "services.ntp.*", "services.resolved.*",
            "services.cloud-init.*", "services.smartd.*", "services.zfs.*", "services.btrfs.*",
            "services.xrdp.*", "services.gnome.*", "services.libinput.*", "services.earlyoom.*",
            // networking: hostspec realizes the host name, /etc/hosts and the nftables firewall; addresses come from
            // the scenario's LAN
            "networking.networkmanager.*", "networking.useDHCP", "networking.useNetworkd", "networking.interfaces.*",
            "networking.nameservers", "networking.defaultGateway", "networking.defaultGateway6",
            "networking.wireless.*", "networking.nftables.*", "networking.timeServers", "networking.extraHosts",
            "networking.enableIPv6", "networking.search", "networking.hostId", "networking.bridges.*",
            "networking.vlans.*", "networking.nat.*", "networking.wg-quick.*", "networking.wireguard.*",
            "networking.firewall.allowPing", "networking.firewall.trustedInterfaces",
            "networking.firewall.allowedTCPPortRanges", "networking.firewall.allowedUDPPortRanges",
            "networking.firewall.logRefusedConnections", "networking.firewall.logRefusedPackets",
            "networking.firewall.checkReversePath", "networking.firewall.interfaces.*",
            "networking.firewall.extraCommands", "networking.firewall.extraStopCommands",
            "networking.firewall.rejectPackets", "networking.firewall.backend",
            // locale and time beyond the default locale and the zone
            "i18n.extraLocaleSettings", "i18n.supportedLocales", "i18n.inputMethod.*",
            "time.hardwareClockInLocalTime",
            // environment
            "environment.variables", "environment.sessionVariables", "environment.shellAliases", "environment.shells",
            "environment.pathsToLink", "environment.extraInit", "environment.interactiveShellInit",
            "environment.loginShellInit", "environment.defaultPackages", "environment.noXlibs",
            "environment.etc.<name>.source", "environment.etc.<name>.target", "environment.etc.<name>.uid",
            "environment.etc.<name>.gid",
            // users beyond accounts, groups and keys
            "users.mutableUsers", "users.defaultUserShell", "users.enforceIdUniqueness",
            "users.users.<name>.hashedPassword", "users.users.<name>.initialPassword", "users.users.<name>.password",
            "users.users.<name>.initialHashedPassword", "users.users.<name>.passwordFile", "users.users.<name>.description", "users.users.<name>.createHome",
            "users.users.<name>.packages", "users.users.<name>.linger", "users.users.<name>.subUidRanges",
            "users.users.<name>.subGidRanges", "users.users.<name>.autoSubUidGidRange",
            "users.users.<name>.openssh.authorizedKeys.keyFiles", "users.users.<name>.homeMode",
            "users.users.<name>.useDefaultShell", "users.groups.<name>.name",
            // systemd beyond services' units
            "systemd.tmpfiles.*", "systemd.sockets.*", "systemd.targets.*", "systemd.mounts.*",
            "systemd.automounts.*", "systemd.paths.*", "systemd.slices.*", "systemd.network.*", "systemd.user.*",
            "systemd.extraConfig", "systemd.package", "systemd.watchdog.*", "systemd.oomd.*",
            "systemd.services.<name>.path", "systemd.services.<name>.preStart", "systemd.services.<name>.postStart",
            "systemd.services.<name>.postStop", "systemd.services.<name>.restartIfChanged",
            "systemd.services.<name>.stopIfChanged", "systemd.services.<name>.startAt",
            "systemd.services.<name>.unitConfig", "systemd.services.<name>.partOf",
            "systemd.services.<name>.bindsTo", "systemd.services.<name>.requiredBy",
            "systemd.services.<name>.upholds", "systemd.services.<name>.conflicts",
            "systemd.services.<name>.restartTriggers", "systemd.services.<name>.reloadTriggers",
            "systemd.services.<name>.startLimitBurst", "systemd.services.<name>.startLimitIntervalSec",
            "systemd.services.<name>.confinement.*", "systemd.services.<name>.scriptArgs",
            "systemd.services.<name>.aliases", "systemd.services.<name>.documentation",
            // the services hostspec realizes, beyond what it realizes of them
            "services.openssh.hostKeys", "services.openssh.listenAddresses", "services.openssh.extraConfig",
            "services.openssh.startWhenNeeded", "services.openssh.banner", "services.openssh.authorizedKeysFiles",
            "services.openssh.allowSFTP", "services.openssh.sftpServerExecutable", "services.openssh.package",
            "services.openssh.settings.KbdInteractiveAuthentication", "services.openssh.settings.X11Forwarding",
            "services.openssh.settings.UseDns", "services.openssh.settings.LogLevel",
            "services.openssh.settings.AllowUsers", "services.openssh.settings.AllowGroups",
            "services.openssh.settings.Macs", "services.openssh.settings.Ciphers", "services.openssh.settings.KexAlgorithms",
            "services.nginx.package", "services.nginx.additionalModules", "services.nginx.appendHttpConfig",
            "services.nginx.commonHttpConfig", "services.nginx.appendConfig", "services.nginx.clientMaxBodySize",
            "services.nginx.recommendedGzipSettings", "services.nginx.recommendedOptimisation",
            "services.nginx.recommendedTlsSettings", "services.nginx.recommendedBrotliSettings",
            "services.nginx.recommendedZstdSettings", "services.nginx.statusPage", "services.nginx.streamConfig",
            "services.nginx.upstreams.*", "services.nginx.mapHashBucketSize", "services.nginx.serverTokens",
            "services.nginx.sslProtocols", "services.nginx.sslCiphers", "services.nginx.logError",
            "services.nginx.user", "services.nginx.group",
            "services.nginx.virtualHosts.<name>.http2", "services.nginx.virtualHosts.<name>.http3",
            "services.nginx.virtualHosts.<name>.quic", "services.nginx.virtualHosts.<name>.listen",
            "services.nginx.virtualHosts.<name>.listenAddresses", "services.nginx.virtualHosts.<name>.basicAuth",
            "services.nginx.virtualHosts.<name>.basicAuthFile", "services.nginx.virtualHosts.<name>.kTLS", "services.nginx.virtualHosts.<name>.rejectSSL",
            "services.nginx.virtualHosts.<name>.sslTrustedCertificate",
            "services.nginx.virtualHosts.<name>.locations.<name>.alias",
            "services.nginx.virtualHosts.<name>.locations.<name>.index",
            "services.nginx.virtualHosts.<name>.locations.<name>.tryFiles",
            "services.nginx.virtualHosts.<name>.locations.<name>.basicAuth",
            "services.nginx.virtualHosts.<name>.locations.<name>.basicAuthFile",
            "services.nginx.virtualHosts.<name>.locations.<name>.fastcgiParams",
            "services.nginx.virtualHosts.<name>.locations.<name>.priority",
            "services.redis.package", "services.redis.vmOverCommit",
            "services.redis.servers.<name>.requirePass", "services.redis.servers.<name>.requirePassFile",
            "services.redis.servers.<name>.save", "services.redis.servers.<name>.appendOnly",
            "services.redis.servers.<name>.appendFsync", "services.redis.servers.<name>.maxclients",
            "services.redis.servers.<name>.logLevel", "services.redis.servers.<name>.logfile",
            "services.redis.servers.<name>.syslog", "services.redis.servers.<name>.user",
            "services.redis.servers.<name>.group", "services.redis.servers.<name>.extraParams",
            "services.redis.servers.<name>.slaveOf", "services.redis.servers.<name>.masterAuth");

    private NixosOptions() {
    }

    /** Every entry of the table, in the order written. */
    public static List<String> table() {
        return UNREALIZED;
    }

    /**
     * The table entry an option path falls under, if NixOS has the option and hostspec does not realize it.
     *
     * @param path a concrete option path, e.g. {@code [boot, loader, grub, enable]}
     */
    public static Optional<String> entryFor(List<String> path) {
        for (String entry : UNREALIZED) {
            if (matches(entry, path)) {
                return Optional.of(entry);
            }
        }
        return Optional.empty();
    }

    private static boolean matches(String entry, List<String> path) {
        boolean area = entry.endsWith(".*");
        List<String> segs = OptionPath.parse(area ? entry.substring(0, entry.length() - 2) : entry);
        if (area ? path.size() < segs.size() : path.size() != segs.size()) {
            return false;
        }
        for (int k = 0; k < segs.size(); k++) {
            if (!segs.get(k).equals("<name>") && !segs.get(k).equals(path.get(k))) {
                return false;
            }
        }
        return true;
    }
}
