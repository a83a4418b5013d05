package io.hostspec.image;

import io.hostspec.image.internal.Exec;
import io.hostspec.image.internal.FileTrees;
import io.hostspec.image.internal.RecipeApplier;
import io.hostspec.image.internal.Rootfs;
import io.hostspec.realize.Recipe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds bootable images from {@link Recipe}s: the HOW and WHERE to the recipe's WHAT.
 *
 * <p>An image is built in layers. The common base (Debian {@value #DEFAULT_SUITE} from mmdebstrap with
 * {@link Recipe#BASE_PACKAGES}: the kernel and a small initramfs) is built once per machine. A recipe with packages
 * of its own gets a package layer on top of it (the base unpacked and the packages installed with apt), cached by
 * base and package set, so recipes that differ only in files, accounts or units share it and a new package set costs
 * an apt install, not a bootstrap. Packages are downloaded once per machine into the cache's apt archive. On top of
 * an unpacked copy of the layer the recipe is applied,
 * the tree is packed into an ext4 file system (no partition table, booted as {@code root=/dev/vda}) and converted to a
 * read-only qcow2 base disk; kernel and initrd are copied out of the image's own /boot for direct boot. Everything
 * lands in the {@link ImageCache}, named by {@link Recipe#imageHash()}: identical recipes never rebuild.
 *
 * <p>Building needs root (chroot, file ownership); a cache hit does not. Instances are immutable and thread-safe;
 * concurrent builds of one image, in this JVM or another, build it once.
 */
public final class ImageBuilder {

    /** The Debian suite of every image. */
    public static final String DEFAULT_SUITE = "bookworm";
    /** The mmdebstrap variant: essential packages plus apt, then only what the recipe asks for. */
    public static final String DEFAULT_VARIANT = "apt";
    /** How long one tool invocation (e.g. mmdebstrap) may take before it is killed. */
    public static final Duration DEFAULT_TOOL_TIMEOUT = Duration.ofMinutes(20);
    /** The smallest root file system, so that guests have room to write. */
    public static final long MIN_DISK_BYTES = 2L << 30;
    /** The root file system is this much larger than its content. */
    public static final double DISK_HEADROOM = 1.5;

    private static final Logger LOG = LoggerFactory.getLogger(ImageBuilder.class);
    private static final Map<String, String> TOOL_ENV = Map.of(
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
            "DEBIAN_FRONTEND", "noninteractive", "LC_ALL", "C.UTF-8");
    private static final int STDERR_LINES = 30;

    private final ImageCache cache;
    private final BuildListener listener;
    private final String suite;
    private final String mirror;
    private final Duration toolTimeout;

    private ImageBuilder(ImageCache cache, BuildListener listener, String suite, String mirror, Duration toolTimeout) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.suite = Objects.requireNonNull(suite, "suite");
        this.mirror = mirror;
        this.toolTimeout = Objects.requireNonNull(toolTimeout, "toolTimeout");
    }

    /**
     * A builder on {@link ImageCache#defaultCache()} that only logs. Its tool timeout is
     * {@link #DEFAULT_TOOL_TIMEOUT}, or {@code hostspec.buildTimeout} minutes when that system property is set (large
     * package sets on a loaded machine need more).
     */
    public static ImageBuilder create() {
        String minutes = System.getProperty("hostspec.buildTimeout", "").strip();
        Duration timeout;
        try {
            timeout = minutes.isEmpty() ? DEFAULT_TOOL_TIMEOUT : Duration.ofMinutes(Long.parseLong(minutes));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("hostspec.buildTimeout must be a number of minutes, got '" + minutes
                    + "'", e);
        }
        return new ImageBuilder(ImageCache.defaultCache(), BuildListener.NONE, DEFAULT_SUITE, null, timeout);
    }

    /** A copy that stores images in {@code cache}. */
    public ImageBuilder withCache(ImageCache cache) {
        return new ImageBuilder(cache, listener, suite, mirror, toolTimeout);
    }

    /** A copy that reports finished stages to {@code listener} (in addition to the log). */
    public ImageBuilder withListener(BuildListener listener) {
        return new ImageBuilder(cache, listener, suite, mirror, toolTimeout);
    }

    /** A copy that fetches packages from {@code mirror} (e.g. a local apt cache) instead of mmdebstrap's default. */
    public ImageBuilder withMirror(String mirror) {
        return new ImageBuilder(cache, listener, suite, mirror, toolTimeout);
    }

    /** A copy that kills a tool invocation after {@code timeout}. */
    public ImageBuilder withToolTimeout(Duration timeout) {
        return new ImageBuilder(cache, listener, suite, mirror, timeout);
    }

    /** The cache this builder reads and fills. */
    public ImageCache cache() {
        return cache;
    }

    /**
     * The image of {@code recipe}: from the cache when present, otherwise built and cached first.
     *
     * @param recipe what to build
     * @return the image, never null
     * @throws MissingPackageException when a package of the recipe does not exist
     * @throws ToolFailedException     when a build tool fails (command, exit code and stderr in the message)
     * @throws ImageBuildException     for any other build failure, naming the host and stage
     */
    public BuiltImage build(Recipe recipe) {
        String host = recipe.hostName();
        String hash = recipe.imageHash();
        long start = System.nanoTime();
        var hit = cache.findImage(hash);
        if (hit.isPresent()) {
            Duration took = since(start);
            LOG.info("[{}] image {}: cache hit ({} ms)", host, shortHash(hash), took.toMillis());
            listener.stageFinished(host, BuildStage.CACHE_HIT, took);
            return hit.get();
        }
        BuiltImage image = cache.image(hash, dir -> produceImage(recipe, dir));
        LOG.info("[{}] image {} ready in {}: {}", host, shortHash(hash), seconds(since(start)), image.disk().getParent());
        return image;
    }

    /**
     * The layer tarball of {@code recipe}'s package set ({@link Recipe#BASE_PACKAGES} plus its packages): the common
     * base when the recipe adds no package, else its package layer; from the cache when present, otherwise built and
     * cached first (needs root). A live switch that changes packages compares two of them.
     *
     * @param recipe the recipe whose package set is wanted
     * @return the tarball, a full root file system
     */
    public Path baseLayer(Recipe recipe) {
        var hit = layers().find(recipe.packages());
        if (hit.isPresent()) {
            return hit.get();
        }
        String host = recipe.hostName();
        try {
            requireRoot(host);
            Path scratch = cache.scratchDir("layer-" + Layers.shortHash(recipe.imageHash()));
            try {
                return timed(host, BuildStage.PACKAGE_LAYER,
                        () -> layers().layer(host, recipe.packages(), scratch.resolve("rootfs")).tar());
            } finally {
                FileTrees.deleteInBackground(scratch);
            }
        } catch (IOException e) {
            throw new ImageBuildException(host, BuildStage.PACKAGE_LAYER.label(), e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ImageBuildException(host, BuildStage.PACKAGE_LAYER.label(), "interrupted", e);
        }
    }

    private Layers layers() {
        return new Layers(cache, suite, DEFAULT_VARIANT, mirror, toolTimeout, TOOL_ENV);
    }

    private void produceImage(Recipe recipe, Path entry) throws IOException, InterruptedException {
        String host = recipe.hostName();
        requireRoot(host);
        Layers layers = layers();
        timed(host, BuildStage.BASE_LAYER, () -> layers.base(host));
        Path scratch = cache.scratchDir("build-" + Layers.shortHash(recipe.imageHash()));
        try {
            Path rootDir = scratch.resolve("rootfs");
            Files.createDirectory(rootDir);
            Layers.Layer layer = timed(host, BuildStage.PACKAGE_LAYER,
                    () -> layers.layer(host, recipe.packages(), rootDir));
            timed(host, BuildStage.APPLY_RECIPE, () -> {
                if (!layer.unpacked()) {
                    layers.unpack(host, layer.tar(), rootDir);
                }
                applyRecipe(recipe, rootDir);
                return null;
            });
            Path raw = scratch.resolve("root.ext4");
            timed(host, BuildStage.EXT4, () -> {
                long size = diskSize(FileTrees.contentSize(rootDir));
                try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
                    f.setLength(size);
                }
                run(host, BuildStage.EXT4, List.of("mke2fs", "-q", "-F", "-t", "ext4", "-L", "hostspec-root",
                        "-d", rootDir.toString(), raw.toString()));
                return null;
            });
            timed(host, BuildStage.QCOW2, () -> {
                run(host, BuildStage.QCOW2, List.of("qemu-img", "convert", "-f", "raw", "-O", "qcow2",
                        raw.toString(), entry.resolve(ImageCache.DISK).toString()));
                Files.copy(bootFile(host, rootDir, "vmlinuz-"), entry.resolve(ImageCache.KERNEL));
                Files.copy(bootFile(host, rootDir, "initrd.img-"), entry.resolve(ImageCache.INITRD));
                return null;
            });
        } finally {
            FileTrees.deleteInBackground(scratch);
        }
    }

    private void applyRecipe(Recipe recipe, Path rootDir) throws IOException, InterruptedException {
        String host = recipe.hostName();
        RecipeApplier applier = new RecipeApplier(new Rootfs(rootDir), argv -> {
            List<String> cmd = new ArrayList<>(List.of("chroot", rootDir.toString()));
            cmd.addAll(argv);
            run(host, BuildStage.APPLY_RECIPE, cmd);
        });
        try {
            applier.apply(recipe);
        } catch (IOException | IllegalArgumentException e) {
            throw new ImageBuildException(host, BuildStage.APPLY_RECIPE.label(), e.getMessage(), e);
        }
    }

    /** The size of the ext4 image for content of {@code contentBytes}: headroom, at least 2 GiB, whole MiB. */
    static long diskSize(long contentBytes) {
        long wanted = Math.max(MIN_DISK_BYTES, (long) (contentBytes * DISK_HEADROOM));
        long mib = 1L << 20;
        return (wanted + mib - 1) / mib * mib;
    }

    private static Path bootFile(String host, Path rootDir, String prefix) throws IOException {
        try (var files = Files.list(rootDir.resolve("boot"))) {
            return files.filter(p -> p.getFileName().toString().startsWith(prefix) && Files.isRegularFile(p))
                    .max(Comparator.comparing(p -> p.getFileName().toString()))
                    .orElseThrow(() -> new ImageBuildException(host, BuildStage.QCOW2.label(), "no /boot/" + prefix
                            + "* in the image: is the kernel package (linux-image-cloud-amd64) installed?"));
        }
    }

    private void run(String host, BuildStage stage, List<String> command) throws IOException, InterruptedException {
        LOG.debug("[{}] {}: {}", host, stage, String.join(" ", command));
        Exec.Result r = Exec.run(command, TOOL_ENV, toolTimeout);
        if (!r.ok()) {
            throw new ToolFailedException(host, stage.label(), command, r.exitCode(), r.stderrTail(STDERR_LINES));
        }
    }

    /** Work of a stage. */
    @FunctionalInterface
    private interface StageWork<T> {
        T run() throws IOException, InterruptedException;
    }

    private <T> T timed(String host, BuildStage stage, StageWork<T> work) throws IOException, InterruptedException {
        LOG.info("[{}] {} ...", host, stage);
        listener.stageStarted(host, stage);
        long start = System.nanoTime();
        T result = work.run();
        Duration took = since(start);
        LOG.info("[{}] {}: done in {}", host, stage, seconds(took));
        listener.stageFinished(host, stage, took);
        return result;
    }

    private static void requireRoot(String host) throws IOException {
        Object uid = Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        if (!Integer.valueOf(0).equals(uid)) {
            throw new ImageBuildException(host, BuildStage.BASE_LAYER.label(), "building an image needs root"
                    + " (mmdebstrap in root mode, chroot, file ownership) but this process runs as uid " + uid
                    + ". Run the build as root (e.g. sudo ./hostspec build " + host + "), or use an image cache"
                    + " that already holds it (-D" + ImageCache.PROPERTY + "=DIR or " + ImageCache.ENV + ").");
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private static String seconds(Duration d) {
        return String.format("%.1f s", d.toMillis() / 1000.0);
    }

    private static String shortHash(String hash) {
        return Layers.shortHash(hash);
    }
}
