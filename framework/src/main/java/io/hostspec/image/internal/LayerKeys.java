package io.hostspec.image.internal;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Collections;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Names the two kinds of layer in the image cache, so that a layer is reused exactly when it would be built the same
 * way again.
 *
 * <ul>
 *   <li>The <b>common base</b>: mmdebstrap's root file system with the packages every image has, the kernel and its
 *   initramfs. Its key covers everything that shapes its content ({@link MmdebstrapCommand#contentKey()}: suite,
 *   variant, packages, the configuration written before and after the packages). The mirror and the archive cache
 *   do not enter it: they change where packages come from, not what is installed.</li>
 *   <li>A <b>package layer</b>: the common base plus a host's own packages, installed with apt
 *   ({@link PackageInstall}). Its key covers the base key, the sorted extra packages and the install script, so
 *   that a changed package set, a rebuilt base or a changed procedure never reuses a stale layer. A host without
 *   extra packages uses the common base itself.</li>
 * </ul>
 */
public final class LayerKeys {

    private LayerKeys() {
    }

    /**
     * The packages a host adds to the common base: its packages minus those the base already has, sorted.
     *
     * @param basePackages the packages of the common base
     * @param packages     the host's packages
     * @return the extra packages, possibly empty
     */
    public static SortedSet<String> extras(Collection<String> basePackages, Collection<String> packages) {
        TreeSet<String> extras = new TreeSet<>(packages);
        extras.removeAll(basePackages);
        return Collections.unmodifiableSortedSet(extras);
    }

    /**
     * The key of the common base built by {@code command}.
     *
     * @param command the base's mmdebstrap command
     * @return hex SHA-256
     */
    public static String base(MmdebstrapCommand command) {
        return FileTrees.sha256(("hostspec-base\n" + command.contentKey()).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The key of the package layer that adds {@code extras} to the base named {@code baseKey}; the base key itself
     * when there are no extras.
     *
     * @param baseKey the common base's key
     * @param extras  the extra packages ({@link #extras})
     * @return hex SHA-256, or {@code baseKey}
     */
    public static String layer(String baseKey, SortedSet<String> extras) {
        if (extras.isEmpty()) {
            return baseKey;
        }
        return FileTrees.sha256(("hostspec-package-layer\nbase=" + baseKey + "\npackages=" + String.join(",", extras)
                + "\nscript=" + PackageInstall.SCRIPT).getBytes(StandardCharsets.UTF_8));
    }
}
