package io.hostspec.image.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;

/**
 * The command that turns an unpacked common base into a package layer: apt installs a host's extra packages inside
 * the root file system ({@code chroot}), the way mmdebstrap's own install step does it, and leaves no trace of the
 * install behind (package lists, downloaded packages, logs).
 *
 * <p>It runs in a private mount namespace ({@code unshare --mount}): {@code /proc} and the build host's resolver are
 * mounted into the root only there, so no mount can outlive the command or leak into the build host, whatever way it
 * ends. Services are never started ({@code policy-rc.d} answers 101). The initramfs is not rebuilt for ordinary
 * packages ({@code update_initramfs=no} while apt runs: a new kernel package still creates its own). apt first uses
 * the package lists saved with the base, so the layer's versions match the base's; when a package is gone from the
 * mirror meanwhile, the lists are refreshed once and the install retried.
 *
 * @param root     the unpacked base, changed in place
 * @param lists    the base's saved package lists (a tarball of {@code /var/lib/apt/lists})
 * @param packages the packages to add (sorted; validated as Debian package names)
 */
public record PackageInstall(Path root, Path lists, SortedSet<String> packages) {

    /**
     * The script (POSIX sh, {@code $1} the root, {@code $2} the lists tarball, the packages after them). Part of the
     * layer key ({@link LayerKeys#layer}): changing it rebuilds every package layer.
     */
    public static final String SCRIPT = """
            root="$1"; lists="$2"; shift 2
            tar -C "$root/var/lib/apt/lists" -xf "$lists"
            mount -t proc proc "$root/proc"
            if [ -f "$root/etc/resolv.conf" ] && [ ! -L "$root/etc/resolv.conf" ]; then
              mount --bind /etc/resolv.conf "$root/etc/resolv.conf"
            fi
            printf '#!/bin/sh\\nexit 101\\n' > "$root/usr/sbin/policy-rc.d"
            chmod 0755 "$root/usr/sbin/policy-rc.d"
            conf="$root/etc/initramfs-tools/update-initramfs.conf"
            if [ -f "$conf" ]; then cp -p "$conf" "$conf.hostspec"; echo update_initramfs=no > "$conf"; fi
            apt() { chroot "$root" apt-get -o Dpkg::Use-Pty=0 -o APT::Keep-Downloaded-Packages=true \\
                -o APT::Install-Recommends=false --yes "$@"; }
            apt install "$@" || { echo "hostspec: refreshing the package lists and retrying" >&2; \\
                apt update && apt install "$@"; }
            if [ -f "$conf.hostspec" ]; then mv "$conf.hostspec" "$conf"; fi
            rm -f "$root/usr/sbin/policy-rc.d" "$root"/var/cache/apt/*.bin "$root/var/log/dpkg.log" \\
                "$root/var/log/alternatives.log" "$root/var/log/apt/history.log" "$root/var/log/apt/term.log" \\
                "$root/var/cache/ldconfig/aux-cache"
            find "$root/var/lib/apt/lists" -mindepth 1 -maxdepth 1 ! -name lock ! -name partial -exec rm -rf {} +
            """;

    /** Validates the package names. */
    public PackageInstall {
        packages = MmdebstrapCommand.checkedPackages(packages);
        if (packages.isEmpty()) {
            throw new IllegalArgumentException("a package layer needs at least one package");
        }
    }

    /** The command line (the downloaded packages stay in {@code /var/cache/apt/archives} for the archive cache). */
    public List<String> argv() {
        List<String> argv = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--fork", "--",
                "sh", "-euc", SCRIPT, "hostspec-package-layer", root.toString(), lists.toString()));
        argv.addAll(packages);
        return List.copyOf(argv);
    }
}
