package io.hostspec.image;

import io.hostspec.image.internal.AptArchive;
import io.hostspec.image.internal.AptErrors;
import io.hostspec.image.internal.Exec;
import io.hostspec.image.internal.FileTrees;
import io.hostspec.image.internal.LayerKeys;
import io.hostspec.image.internal.MmdebstrapCommand;
import io.hostspec.image.internal.PackageInstall;
import io.hostspec.realize.Recipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The two layers below every image, as full root file system tarballs in the {@link ImageCache}: the common base
 * (mmdebstrap, {@link Recipe#BASE_PACKAGES}, kernel and initramfs; built once per machine) and, for a host with its
 * own packages, a package layer (the base unpacked, the packages installed with apt, packed again; cached by base and
 * package set, see {@link LayerKeys}). Both take packages from the cache's {@link AptArchive} and give back what they
 * downloaded. Package layers are full tarballs, so that a live switch compares two of them directly.
 *
 * <p>Immutable; concurrent builds of one layer, in this JVM or another, build it once (the cache's entry lock).
 */
final class Layers {

    /** File name of the package lists saved with the common base. */
    static final String APT_LISTS = "apt-lists.tar";

    private static final Logger LOG = LoggerFactory.getLogger(Layers.class);
    private static final int STDERR_LINES = 30;

    private final ImageCache cache;
    private final String suite;
    private final String variant;
    private final String mirror;
    private final Duration toolTimeout;
    private final Map<String, String> env;

    Layers(ImageCache cache, String suite, String variant, String mirror, Duration toolTimeout,
           Map<String, String> env) {
        this.cache = cache;
        this.suite = suite;
        this.variant = variant;
        this.mirror = mirror;
        this.toolTimeout = toolTimeout;
        this.env = env;
    }

    /** A layer tarball, and whether the build that made it left its tree unpacked in the caller's directory. */
    record Layer(Path tar, boolean unpacked) {
    }

    /** The mmdebstrap command of the common base writing to {@code output}. */
    MmdebstrapCommand baseCommand(Path output) {
        return new MmdebstrapCommand(suite, variant, new TreeSet<>(Recipe.BASE_PACKAGES), mirror, output);
    }

    /** The cache key of the common base. */
    String baseKey() {
        return LayerKeys.base(baseCommand(Path.of(ImageCache.ROOTFS)));
    }

    /** The cache key of the layer holding {@code packages} (the base key when the base has them all). */
    String layerKey(SortedSet<String> packages) {
        return LayerKeys.layer(baseKey(), LayerKeys.extras(Recipe.BASE_PACKAGES, packages));
    }

    /** The cached tarball of {@code packages}' layer, if present. Never blocks. */
    java.util.Optional<Path> find(SortedSet<String> packages) {
        return cache.findBaseLayer(layerKey(packages));
    }

    /** The common base tarball: from the cache, or bootstrapped first. */
    Path base(String host) {
        return cache.baseLayer(baseKey(), entry -> bootstrap(host, entry));
    }

    /**
     * The layer of {@code packages}: the common base when the host adds nothing, else its package layer, built on a
     * miss by unpacking the base into {@code rootDir} (an empty directory) and installing the packages there; the
     * tree is then left in {@code rootDir} ({@link Layer#unpacked()}).
     */
    Layer layer(String host, SortedSet<String> packages, Path rootDir) {
        SortedSet<String> extras = LayerKeys.extras(Recipe.BASE_PACKAGES, packages);
        Path base = base(host);
        if (extras.isEmpty()) {
            return new Layer(base, false);
        }
        boolean[] built = {false};
        Path tar = cache.baseLayer(LayerKeys.layer(baseKey(), extras), entry -> {
            install(host, base, extras, rootDir);
            run(host, List.of("tar", "--create", "--file", entry.resolve(ImageCache.ROOTFS).toString(),
                    "--directory", rootDir.toString(), "--numeric-owner", "--format=pax", "--sort=name",
                    "--xattrs", "--xattrs-include=*", "--one-file-system", "."));
            built[0] = true;
        });
        return new Layer(tar, built[0]);
    }

    /** Unpacks {@code tar} into the empty directory {@code rootDir}. */
    void unpack(String host, Path tar, Path rootDir) throws IOException, InterruptedException {
        Files.createDirectories(rootDir);
        run(host, List.of("tar", "--extract", "--file", tar.toString(), "--directory", rootDir.toString(),
                "--numeric-owner", "--preserve-permissions", "--xattrs", "--xattrs-include=*"));
    }

    private void bootstrap(String host, Path entry) throws IOException, InterruptedException {
        AptArchive archive = AptArchive.in(cache.root());
        Path scratch = cache.scratchDir("base");
        try {
            Path downloaded = Files.createDirectory(scratch.resolve("debs"));
            Path tmp = Files.createDirectory(scratch.resolve("tmp"));
            MmdebstrapCommand cmd = baseCommand(entry.resolve(ImageCache.ROOTFS))
                    .withArchive(archive.dir(), downloaded).withListsOut(entry.resolve(APT_LISTS));
            LOG.info("[{}] mmdebstrap {}: the common base with {} packages ({})", host, suite,
                    cmd.packages().size(), shortHash(baseKey()));
            Map<String, String> mmEnv = new HashMap<>(env);
            mmEnv.put("TMPDIR", tmp.toString()); // beside the archive: packages are hard-linked, not copied
            Exec.Result r = Exec.run(cmd.argv(), mmEnv, toolTimeout);
            if (!r.ok()) {
                throw failure(host, BuildStage.BASE_LAYER, r, r.command());
            }
            int added = archive.collectFrom(downloaded);
            LOG.info("[{}] apt archive: {} packages added ({} MiB in all)", host, added, archive.size() >> 20);
        } finally {
            FileTrees.deleteRecursively(scratch);
        }
    }

    private void install(String host, Path base, SortedSet<String> extras, Path rootDir)
            throws IOException, InterruptedException {
        AptArchive archive = AptArchive.in(cache.root());
        unpack(host, base, rootDir);
        Path archives = rootDir.resolve("var/cache/apt/archives");
        archive.linkInto(archives);
        PackageInstall install = new PackageInstall(rootDir, cache.baseDir(baseKey()).resolve(APT_LISTS), extras);
        LOG.info("[{}] apt-get install {} on the common base", host, String.join(" ", extras));
        Exec.Result r = Exec.run(install.argv(), env, toolTimeout);
        // what apt downloaded is kept even when the install failed later on
        int added = archive.collectFrom(archives);
        try (var debs = Files.newDirectoryStream(archives, "*.deb")) {
            for (Path deb : debs) {
                Files.delete(deb);
            }
        }
        if (!r.ok()) {
            List<String> shown = new ArrayList<>(r.command());
            shown.set(shown.indexOf(PackageInstall.SCRIPT), "<PackageInstall.SCRIPT>");
            throw failure(host, BuildStage.PACKAGE_LAYER, r, shown);
        }
        LOG.info("[{}] apt archive: {} packages added", host, added);
    }

    private static ImageBuildException failure(String host, BuildStage stage, Exec.Result r, List<String> shown) {
        List<String> missing = AptErrors.missingPackages(r.stderr());
        if (!missing.isEmpty()) {
            return new MissingPackageException(host, missing, shown, r.exitCode(), r.stderrTail(STDERR_LINES));
        }
        return new ToolFailedException(host, stage.label(), shown, r.exitCode(), r.stderrTail(STDERR_LINES));
    }

    private void run(String host, List<String> command) throws IOException, InterruptedException {
        LOG.debug("[{}] {}", host, String.join(" ", command));
        Exec.Result r = Exec.run(command, env, toolTimeout);
        if (!r.ok()) {
            throw new ToolFailedException(host, BuildStage.PACKAGE_LAYER.label(), command, r.exitCode(),
                    r.stderrTail(STDERR_LINES));
        }
    }

    static String shortHash(String hash) {
        return hash.substring(0, Math.min(12, hash.length()));
    }
}
