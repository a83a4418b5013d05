package io.hostspec.image.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The mmdebstrap command line that produces the common base: a root file system tarball with the given packages and
 * an initramfs made for the hostspec machine (see {@link GuestBoot}).
 *
 * <p>Optionally it takes the packages it needs from an apt archive ({@link AptArchive}: linked in before the
 * download, so apt fetches only what is missing), leaves what it downloaded in {@code archiveOut} for the archive to
 * collect, and saves the package lists it used to {@code listsOut}, so that package layers install the same versions
 * without fetching the lists again. None of that changes the tarball: it is not part of {@link #contentKey()}.
 *
 * @param suite      Debian suite, e.g. {@code bookworm}
 * @param variant    mmdebstrap variant, e.g. {@code apt}
 * @param packages   the packages to include (sorted, de-duplicated)
 * @param mirror     the apt mirror, or null for mmdebstrap's default
 * @param output     the tarball to write
 * @param archive    the apt archive directory to take packages from, or null
 * @param archiveOut an empty directory that receives the downloaded packages, or null
 * @param listsOut   the tarball that receives {@code /var/lib/apt/lists}, or null
 */
public record MmdebstrapCommand(String suite, String variant, SortedSet<String> packages, String mirror, Path output,
                                Path archive, Path archiveOut, Path listsOut) {

    /** Initramfs configuration written before the kernel package is configured (see {@link #argv()}). */
    public static final String INITRAMFS_CONF = GuestBoot.INITRAMFS_CONF;

    /** Validates and copies the package set. */
    public MmdebstrapCommand {
        packages = checkedPackages(packages);
    }

    /** A command without archive or lists (everything is downloaded, nothing is saved beside the tarball). */
    public MmdebstrapCommand(String suite, String variant, SortedSet<String> packages, String mirror, Path output) {
        this(suite, variant, packages, mirror, output, null, null, null);
    }

    /** A copy that takes packages from {@code archive} and leaves the downloaded ones in {@code out}. */
    public MmdebstrapCommand withArchive(Path archive, Path out) {
        return new MmdebstrapCommand(suite, variant, packages, mirror, output, archive, out, listsOut);
    }

    /** A copy that saves the package lists to the tarball {@code lists}. */
    public MmdebstrapCommand withListsOut(Path lists) {
        return new MmdebstrapCommand(suite, variant, packages, mirror, output, archive, archiveOut, lists);
    }

    /** The package names, sorted and checked: a name that could be read as an option or a list is refused. */
    static SortedSet<String> checkedPackages(SortedSet<String> packages) {
        TreeSet<String> copy = new TreeSet<>(packages);
        for (String p : copy) {
            if (!p.matches("[a-z0-9][a-z0-9+.-]+")) {
                throw new IllegalArgumentException("not a Debian package name: '" + p + "'");
            }
        }
        return Collections.unmodifiableSortedSet(copy);
    }

    /**
     * Everything that shapes the tarball's content, as text: suite, variant, packages and the hooks that write guest
     * configuration. Names the common base in the cache ({@link LayerKeys#base}).
     */
    public String contentKey() {
        return "suite=" + suite + "\nvariant=" + variant + "\npackages=" + String.join(",", packages)
                + "\nsetup=" + GuestBoot.SETUP_HOOK + "\ncustomize=" + GuestBoot.CUSTOMIZE_HOOK + "\n";
    }

    /** The command line. */
    public List<String> argv() {
        List<String> argv = new ArrayList<>();
        argv.add("mmdebstrap");
        argv.add("--mode=root");
        argv.add("--format=tar");
        argv.add("--variant=" + variant);
        argv.add("--include=" + String.join(",", packages));
        // The setup hook runs before any package is unpacked, so initramfs-tools already sees its configuration when
        // the kernel package triggers the first update-initramfs.
        argv.add("--setup-hook=" + GuestBoot.SETUP_HOOK);
        if (archive != null) {
            // hard links when the archive and mmdebstrap's TMPDIR share a file system, copies otherwise
            argv.add("--setup-hook=mkdir -p \"$1/var/cache/apt/archives\" && if [ -d " + quote(archive) + " ]; then"
                    + " cp -al " + quote(archive) + "/. \"$1/var/cache/apt/archives/\" 2>/dev/null"
                    + " || cp -a " + quote(archive) + "/. \"$1/var/cache/apt/archives/\"; fi");
        }
        if (archiveOut != null) {
            argv.add("--skip=essential/unlink"); // keep the essential packages for the archive too
            argv.add("--customize-hook=cp -al \"$1/var/cache/apt/archives/.\" " + quote(archiveOut)
                    + "/ 2>/dev/null || cp -a \"$1/var/cache/apt/archives/.\" " + quote(archiveOut) + "/");
        }
        if (listsOut != null) {
            argv.add("--customize-hook=tar -C \"$1/var/lib/apt/lists\" --exclude=./lock --exclude=./partial -cf "
                    + quote(listsOut) + " .");
        }
        argv.add("--customize-hook=" + GuestBoot.CUSTOMIZE_HOOK);
        argv.add(suite);
        argv.add(output.toString());
        if (mirror != null) {
            argv.add(mirror);
        }
        return List.copyOf(argv);
    }

    private static String quote(Path path) {
        return "'" + path.toString().replace("'", "'\\''") + "'";
    }
}
