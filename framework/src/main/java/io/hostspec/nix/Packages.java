package io.hostspec.nix;

import java.util.Map;
import java.util.TreeMap;

/**
 * {@code pkgs} for .nix modules: hostspec installs Debian packages, so {@code pkgs.NAME} is a package value whose
 * name is the Debian package's. Most names are the same; {@link #RENAMED} lists those that differ. A name in neither
 * table is an error at the line that uses it, with the closest names.
 */
public final class Packages {

    /** nixpkgs attribute name to Debian package name, where they differ. */
    public static final Map<String, String> RENAMED = Map.ofEntries(
            Map.entry("redis", "redis-server"), Map.entry("openssh", "openssh-server"),
            Map.entry("python3", "python3"), Map.entry("nodejs", "nodejs"), Map.entry("vim", "vim"),
            Map.entry("neovim", "neovim"), Map.entry("ripgrep", "ripgrep"), Map.entry("fd", "fd-find"),
            Map.entry("gcc", "gcc"), Map.entry("jdk", "default-jdk"), Map.entry("jdk17", "openjdk-17-jdk"),
            Map.entry("postgresql", "postgresql"), Map.entry("docker", "docker.io"),
            Map.entry("podman", "podman"), Map.entry("nginx", "nginx"), Map.entry("bashInteractive", "bash"),
            Map.entry("coreutils", "coreutils"), Map.entry("gnumake", "make"), Map.entry("git", "git"),
            Map.entry("openssl", "openssl"), Map.entry("dnsutils", "dnsutils"), Map.entry("iproute2", "iproute2"),
            Map.entry("procps", "procps"), Map.entry("xen", "xen-utils"), Map.entry("nfs-utils", "nfs-common"),
            Map.entry("cifs-utils", "cifs-utils"), Map.entry("nmap", "nmap"), Map.entry("tcpdump", "tcpdump"),
            Map.entry("tigervnc", "tigervnc-standalone-server"), Map.entry("noto-fonts", "fonts-noto"),
            Map.entry("kdePackages.konsole", "konsole"), Map.entry("mosh", "mosh"));

    /** Debian package names that nixpkgs spells the same (a subset; extend as modules need). */
    public static final String[] SAME = {"less", "jq", "htop", "sudo", "curl", "wget", "tmux", "rsync", "unzip",
        "bash-completion", "man-db", "ca-certificates", "zsh", "fzf", "bat", "ncdu", "strace", "pandoc", "xrdp",
        "sddm", "konsole", "dolphin", "python3", "nodejs", "gcc", "make", "cmake", "openssl", "socat", "netcat",
        "lsof", "file", "tree", "zip", "gnupg", "age", "sops", "lvm2", "parted", "e2fsprogs", "dosfstools", "cron",
        "chrony", "ethtool", "iperf3", "mtr", "whois", "screen", "nano", "gzip", "xz", "bzip2", "zstd", "acl",
        "attr", "sqlite", "sqlite3", "redis-server", "nginx", "certbot", "openssh-server", "python3-pip", "ffmpeg"};

    private Packages() {
    }

    /** The {@code pkgs} set. */
    static NixAttrs set() {
        TreeMap<String, Object> m = new TreeMap<>();
        for (String s : SAME) {
            m.put(s, pkg(s, s));
        }
        RENAMED.forEach((nix, deb) -> {
            if (!nix.contains(".")) {
                m.put(nix, pkg(nix, deb));
            }
        });
        return new NixAttrs(m, null);
    }

    private static NixAttrs pkg(String nixName, String debian) {
        TreeMap<String, Object> m = new TreeMap<>();
        m.put("_type", "package");
        m.put("pname", nixName);
        m.put("name", debian);
        m.put("outPath", debian);
        return new NixAttrs(m, null);
    }

    static boolean isPackage(NixAttrs a) {
        return "package".equals(a.get("_type")) && a.has("outPath");
    }

    static String debianName(NixAttrs a) {
        return (String) a.get("name");
    }
}
