package io.hostspec.image.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The mmdebstrap command line that produces a base layer: a root file system tarball with the given packages and an
 * initramfs that carries most modules, so that the guest's own kernel boots from virtio-blk and brings up virtio
 * consoles without help.
 *
 * @param suite    Debian suite, e.g. {@code bookworm}
 * @param variant  mmdebstrap variant, e.g. {@code apt}
 * @param packages the packages to include (sorted, de-duplicated)
 * @param mirror   the apt mirror, or null for mmdebstrap's default
 * @param output   the tarball to write
 */
public record MmdebstrapCommand(String suite, String variant, SortedSet<String> packages, String mirror, Path output) {

    /** Initramfs configuration written before the kernel package is configured (see {@link #argv()}). */
    public static final String INITRAMFS_CONF = "/etc/initramfs-tools/conf.d/hostspec.conf";

    /** Validates and copies the package set. */
    public MmdebstrapCommand {
        packages = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(packages));
        for (String p : packages) {
            if (!p.matches("[a-z0-9][a-z0-9+.-]+")) {
                throw new IllegalArgumentException("not a Debian package name: '" + p + "'");
            }
        }
    }

    /** The command line. */
    public List<String> argv() {
        List<String> argv = new ArrayList<>();
        argv.add("mmdebstrap");
        argv.add("--mode=root");
        argv.add("--format=tar");
        argv.add("--variant=" + variant);
        argv.add("--include=" + String.join(",", packages));
        // The setup hook runs before any package is unpacked, so initramfs-tools already sees MODULES=most when the
        // kernel package triggers the first update-initramfs.
        argv.add("--setup-hook=mkdir -p \"$1/etc/initramfs-tools/conf.d\" && echo MODULES=most > \"$1"
                + INITRAMFS_CONF + "\"");
        argv.add(suite);
        argv.add(output.toString());
        if (mirror != null) {
            argv.add(mirror);
        }
        return List.copyOf(argv);
    }
}
