package io.hostspec.image;

import io.hostspec.cache.AtomicEntryStore;
import io.hostspec.image.internal.FileTrees;
import io.hostspec.image.internal.Manifest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A content-addressed cache of built images and shared base layers, safe to share between threads and between JVMs.
 *
 * <p>Layout below {@link #root()}:
 * <pre>
 * images/&lt;imageHash&gt;/{disk.qcow2, vmlinuz, initrd.img, manifest.json}
 * base/&lt;packagesHash&gt;/{rootfs.tar, manifest.json}
 * images/&lt;imageHash&gt;.lock, base/&lt;packagesHash&gt;.lock   inter-process locks
 * tmp/                                                   scratch space of running builds
 * </pre>
 *
 * <p>Guarantees, through the shared {@link AtomicEntryStore}: an entry becomes visible only complete (it is produced in a temporary directory beside its final
 * place, flushed to disk, checksummed, then renamed atomically); a build of one entry happens at most once at a time
 * across processes (the second caller waits on a file lock and then reuses the result); an entry whose files do not
 * match its manifest is reported once in the log and rebuilt. A lookup compares file sizes and the manifest's own
 * digest, which costs milliseconds; {@link #withFullVerification(boolean)} also re-reads every file's SHA-256.
 *
 * <p>Instances are immutable.
 */
public final class ImageCache {

    /** System property naming the cache directory. */
    public static final String PROPERTY = "hostspec.cache";
    /** Environment variable naming the cache directory (the system property wins). */
    public static final String ENV = "HOSTSPEC_CACHE";
    /** File name of the qcow2 base disk in an image entry. */
    public static final String DISK = "disk.qcow2";
    /** File name of the kernel in an image entry. */
    public static final String KERNEL = "vmlinuz";
    /** File name of the initrd in an image entry. */
    public static final String INITRD = "initrd.img";
    /** File name of the root file system tarball in a base layer entry. */
    public static final String ROOTFS = "rootfs.tar";

    private static final List<String> IMAGE_FILES = List.of(DISK, KERNEL, INITRD);
    private static final List<String> BASE_FILES = List.of(ROOTFS);

    private static final Logger LOG = LoggerFactory.getLogger(ImageCache.class);

    private final Path root;
    private final boolean fullVerification;

    private ImageCache(Path root, boolean fullVerification) {
        this.root = root.toAbsolutePath().normalize();
        this.fullVerification = fullVerification;
    }

    /**
     * Produces the files of a cache entry.
     */
    @FunctionalInterface
    public interface EntryProducer {
        /**
         * Writes the entry's files directly into {@code dir}, an empty directory that becomes the entry once this
         * returns normally. On exception nothing becomes visible.
         *
         * @param dir the directory to fill
         * @throws Exception any failure; it is passed on to the caller
         */
        void produce(Path dir) throws Exception;
    }

    /** The cache at {@link #defaultLocation()}. */
    public static ImageCache defaultCache() {
        return at(defaultLocation());
    }

    /**
     * The default cache directory: the system property {@value #PROPERTY}, else the environment variable
     * {@value #ENV}, else {@code ~/.cache/hostspec}.
     */
    public static Path defaultLocation() {
        String prop = System.getProperty(PROPERTY);
        if (prop != null && !prop.isBlank()) {
            return Path.of(prop);
        }
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "hostspec");
    }

    /** The cache rooted at {@code root} (created on first write). */
    public static ImageCache at(Path root) {
        return new ImageCache(Objects.requireNonNull(root, "root"), false);
    }

    /** A copy that re-reads every file's checksum on lookup (slow for large disks: seconds per GiB). */
    public ImageCache withFullVerification(boolean full) {
        return new ImageCache(root, full);
    }

    /** The cache directory. */
    public Path root() {
        return root;
    }

    /** Whether lookups re-read every file's checksum. */
    public boolean fullVerification() {
        return fullVerification;
    }

    /** The directory of the image entry named {@code imageHash} (which may not exist). */
    public Path imageDir(String imageHash) {
        return root.resolve("images").resolve(checkHash(imageHash));
    }

    /** The directory of the base layer entry named {@code packagesHash} (which may not exist). */
    public Path baseDir(String packagesHash) {
        return root.resolve("base").resolve(checkHash(packagesHash));
    }

    /**
     * The cached image named {@code imageHash}, if a valid entry exists. Never blocks on a running build.
     *
     * @param imageHash the recipe's {@code imageHash()}
     * @return the image, or empty when absent or invalid
     */
    public Optional<BuiltImage> findImage(String imageHash) {
        Path dir = imageDir(imageHash);
        return problem(dir, "image", imageHash, IMAGE_FILES).isEmpty() ? Optional.of(image(imageHash, used(dir)))
                : Optional.empty();
    }

    /**
     * The cached image named {@code imageHash}, produced by {@code producer} first when there is no valid entry.
     * The producer must write {@value #DISK}, {@value #KERNEL} and {@value #INITRD}.
     *
     * @param imageHash the recipe's {@code imageHash()}
     * @param producer  builds the entry's files on a miss
     * @return the image
     * @throws CacheException when the producer fails or leaves files missing, or the cache cannot be written
     */
    public BuiltImage image(String imageHash, EntryProducer producer) {
        Path dir = getOrProduce(imageDir(imageHash), "image", imageHash, IMAGE_FILES, producer);
        return image(imageHash, used(dir));
    }

    /** The cached base layer tarball named {@code packagesHash}, if a valid entry exists. Never blocks. */
    public Optional<Path> findBaseLayer(String packagesHash) {
        Path dir = baseDir(packagesHash);
        return problem(dir, "base", packagesHash, BASE_FILES).isEmpty() ? Optional.of(used(dir).resolve(ROOTFS))
                : Optional.empty();
    }

    /**
     * The cached base layer tarball named {@code packagesHash}, produced by {@code producer} first when there is no
     * valid entry. The producer must write {@value #ROOTFS}.
     *
     * @param packagesHash the recipe's {@code packagesHash()}
     * @param producer     builds the tarball on a miss
     * @return the path of the tarball
     * @throws CacheException when the producer fails or leaves files missing, or the cache cannot be written
     */
    public Path baseLayer(String packagesHash, EntryProducer producer) {
        return used(getOrProduce(baseDir(packagesHash), "base", packagesHash, BASE_FILES, producer)).resolve(ROOTFS);
    }

    /**
     * A fresh, empty scratch directory under {@code tmp/} of the cache (same file system as the entries, so large
     * intermediate files never cross devices). The caller deletes it.
     *
     * @param label a readable prefix for the directory name
     */
    public Path scratchDir(String label) {
        try {
            Path tmp = Files.createDirectories(root.resolve("tmp"));
            return Files.createTempDirectory(tmp, label + "-");
        } catch (IOException e) {
            throw new CacheException("cannot create a scratch directory under " + root.resolve("tmp"), e);
        }
    }

    /** Records a use: the entry directory's modification time is its last use, which {@link CachePruner} reads. */
    private static Path used(Path dir) {
        try {
            Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
        } catch (IOException e) {
            LOG.debug("cache: cannot record the use of {}: {}", dir, e.toString());
        }
        return dir;
    }

    /**
     * Removes one entry unless it is being produced; for tests that build throwaway images.
     *
     * @param imageHash the image's hash
     * @return whether it was removed
     */
    public boolean removeImage(String imageHash) {
        return new AtomicEntryStore(imageDir(imageHash).getParent(), "image").trashIfIdle(checkHash(imageHash));
    }

    private static BuiltImage image(String hash, Path dir) {
        return new BuiltImage(hash, dir.resolve(DISK), dir.resolve(KERNEL), dir.resolve(INITRD));
    }

    private Path getOrProduce(Path dir, String kind, String hash, List<String> required, EntryProducer producer) {
        AtomicEntryStore store = new AtomicEntryStore(dir.getParent(), kind.equals("base") ? "base layer" : kind);
        try {
            return store.getOrCreate(hash, d -> problem(d, kind, hash, required), producer::produce,
                    tmp -> seal(tmp, kind, hash, required)).dir();
        } catch (AtomicEntryStore.EntryException e) {
            throw new CacheException(e.getMessage() + diskFull(e), e.getCause());
        }
    }

    /** Checks that the producer wrote every required file, makes them read-only and writes the manifest. */
    private static void seal(Path tmp, String kind, String hash, List<String> required) throws IOException {
        for (String f : required) {
            if (!Files.isRegularFile(tmp.resolve(f))) {
                throw new CacheException("producing " + kind + " " + hash + " left no " + f + " in " + tmp, null);
            }
        }
        try (var files = Files.list(tmp)) {
            for (Path f : files.toList()) {
                // Machines only ever read entries (through overlays); read-only guards against accidents.
                f.toFile().setReadOnly();
            }
        }
        Manifest.of(kind, hash, tmp, Instant.now().toString()).write(tmp);
    }

    /** For a failure caused by a full file system: which cache it is, what is free, and what to do; else "". */
    private String diskFull(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (String.valueOf(t.getMessage()).contains("No space left on device")) {
                long free = root.toFile().getUsableSpace() >> 20;
                return "\nThe file system of the image cache " + root + " is full (" + free + " MiB free); nothing "
                        + "was published. Free some space, or put the cache elsewhere with " + ENV + "=DIR or -D"
                        + PROPERTY + "=DIR.";
            }
        }
        return "";
    }

    /** Why the entry is not usable, or empty when it is valid. */
    private Optional<String> problem(Path dir, String kind, String hash, List<String> required) {
        if (!Files.isDirectory(dir)) {
            return Optional.of("absent");
        }
        Optional<Manifest> read = Manifest.read(dir);
        if (read.isEmpty()) {
            return Optional.of("manifest missing or unreadable");
        }
        Manifest m = read.get();
        if (!m.selfConsistent() || !hash.equals(m.hash()) || !kind.equals(m.kind())) {
            return Optional.of("manifest damaged");
        }
        for (String f : required) {
            if (!m.files().containsKey(f)) {
                return Optional.of("manifest lists no " + f);
            }
        }
        try {
            for (var e : m.files().entrySet()) {
                Path f = dir.resolve(e.getKey());
                if (!Files.isRegularFile(f)) {
                    return Optional.of(e.getKey() + " is missing");
                }
                long size = Files.size(f);
                if (size != e.getValue().size()) {
                    return Optional.of(e.getKey() + " has " + size + " bytes, manifest says " + e.getValue().size());
                }
                if (fullVerification && !FileTrees.sha256(f).equals(e.getValue().sha256())) {
                    return Optional.of(e.getKey() + " does not match its SHA-256");
                }
            }
        } catch (IOException e) {
            return Optional.of("unreadable: " + e);
        }
        return Optional.empty();
    }

    private static String checkHash(String hash) {
        if (hash == null || !hash.matches("[0-9a-zA-Z_-]{1,128}")) {
            throw new IllegalArgumentException("not a cache key: '" + hash + "'");
        }
        return hash;
    }

    /** The cache could not produce or store an entry. */
    public static final class CacheException extends RuntimeException {
        /**
         * @param message what went wrong, naming the entry
         * @param cause   the underlying failure, may be null
         */
        public CacheException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public String toString() {
        return "ImageCache[" + root + (fullVerification ? ", full verification" : "") + "]";
    }
}
