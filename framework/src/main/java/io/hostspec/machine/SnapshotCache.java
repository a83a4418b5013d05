package io.hostspec.machine;

import io.hostspec.cache.AtomicEntryStore;
import io.hostspec.image.BuiltImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Warm snapshots of booted machines, stored beside their image: {@code <image dir>/warm/<hardware digest>/} holds
 * {@value #DISK} (the booted machine's disk, frozen read-only; a qcow2 whose backing file is the image),
 * {@value #STATE} (device state as written by QEMU's migration with {@code x-ignore-shared}), {@value #RAM} (the
 * guest's RAM: the file that backed it, shared, while the snapshot was taken; restores map it copy-on-write, so they
 * share its pages in the page cache and fault them in lazily instead of parsing a RAM stream) and {@value #MANIFEST}.
 *
 * <p>Guarantees, through the shared {@link AtomicEntryStore}: an entry becomes visible only complete (produced in a temporary directory
 * beside it, flushed, renamed atomically); at most one producer per entry at a time across threads and JVMs (a file
 * lock; the second caller waits, then reuses the result); an entry that does not match its manifest, its image (size
 * or modification time of the image's disk changed) or whose state file does not start like a QEMU state is deleted
 * and reported once in the log. Because entries live inside the image's directory, discarding an image discards its
 * snapshots. Instances are immutable.
 */
public final class SnapshotCache {

    /** System property switching warm starts off ({@code -Dhostspec.warm=false}); on by default. */
    public static final String PROPERTY = "hostspec.warm";
    /** Frozen disk of a snapshot. */
    public static final String DISK = "disk.qcow2";
    /** Saved RAM and device state of a snapshot. */
    public static final String STATE = "state";
    /** Guest RAM of a snapshot (the memory-backend-file it ran on). */
    public static final String RAM = "ram";
    /** Manifest of a snapshot. */
    public static final String MANIFEST = "manifest.properties";

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotCache.class);
    // QEMU_VM_FILE_MAGIC: every migration stream starts with "QEVM".
    private static final byte[] STATE_MAGIC = {'Q', 'E', 'V', 'M'};

    private final Path root;
    private final BuiltImage image;
    private final AtomicEntryStore store;

    private SnapshotCache(Path root, BuiltImage image) {
        this.root = root.toAbsolutePath().normalize();
        this.image = image;
        this.store = new AtomicEntryStore(this.root, "warm snapshot");
    }

    /**
     * The snapshots of an image, kept in {@code warm/} beside the image's disk.
     *
     * @param image the image
     * @return its snapshot cache
     */
    public static SnapshotCache beside(BuiltImage image) {
        return new SnapshotCache(image.disk().toAbsolutePath().getParent().resolve("warm"), image);
    }

    /** @return whether warm starts are on ({@value #PROPERTY}, default true) */
    public static boolean enabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").strip());
    }

    /** @return the directory holding this image's snapshots */
    public Path root() {
        return root;
    }

    /**
     * A stored, complete snapshot.
     *
     * @param key   the hardware it was taken on
     * @param dir   its directory
     * @param disk  the frozen disk (read-only; machines use overlays backed by it)
     * @param state the saved device state
     * @param ram   the guest RAM file (map it privately: MAP_PRIVATE, never written)
     */
    public record Snapshot(HardwareKey key, Path dir, Path disk, Path state, Path ram) {
    }

    /** Produces a snapshot's files. */
    @FunctionalInterface
    public interface Producer {
        /**
         * Writes {@value #DISK}, {@value #STATE} and {@value #RAM} into {@code dir}, which becomes the entry when this returns.
         *
         * @param dir an empty directory on the cache's file system
         * @throws Exception any failure; nothing becomes visible
         */
        void produce(Path dir) throws Exception;
    }

    /**
     * The valid snapshot for this hardware, if any. An invalid entry is deleted (and said once in the log).
     *
     * @param key the hardware
     * @return the snapshot, or empty
     */
    public Optional<Snapshot> find(HardwareKey key) {
        return store.find(key.digest(), dir -> problem(dir, key), problem -> unusable(dir(key), problem))
                .map(dir -> snapshot(key, dir));
    }

    /**
     * The valid snapshot for this hardware, produced first when there is none. Holds the entry's lock while
     * producing, so concurrent callers (threads or JVMs) wait and then reuse the result.
     *
     * @param key      the hardware
     * @param producer writes the files on a miss
     * @return the snapshot
     * @throws SnapshotException when producing fails or leaves files missing
     */
    public Snapshot getOrCreate(HardwareKey key, Producer producer) {
        try {
            AtomicEntryStore.Got got = store.getOrCreate(key.digest(), dir -> problem(dir, key), producer::produce,
                    tmp -> seal(key, tmp));
            if (got.produced()) {
                LOG.info("warm snapshot of image {} published: {}", image.hash(), got.dir());
            }
            return snapshot(key, got.dir());
        } catch (SnapshotException e) {
            throw e;
        } catch (AtomicEntryStore.EntryException e) {
            throw new SnapshotException(e.getMessage(), e.getCause());
        }
    }

    /**
     * Deletes a snapshot (atomically: renamed away first) and says so, with the reason, once in the log. Does nothing
     * when it is already gone (another caller invalidated it).
     *
     * @param snapshot the snapshot
     * @param reason   why it is unusable, e.g. QEMU's refusal of the state
     */
    public void invalidate(Snapshot snapshot, String reason) {
        try {
            if (store.trash(snapshot.dir().getFileName().toString())) {
                unusable(snapshot.dir(), reason);
            }
        } catch (AtomicEntryStore.EntryException e) {
            throw new SnapshotException(e.getMessage(), e.getCause());
        }
    }

    private void unusable(Path dir, String reason) {
        LOG.warn("warm snapshot {} of image {} is unusable and was deleted ({}); the next start boots cold and "
                + "takes a new one", dir, image.hash(), reason);
    }

    private Path dir(HardwareKey key) {
        return store.entry(key.digest());
    }

    private static Snapshot snapshot(HardwareKey key, Path dir) {
        return new Snapshot(key, dir, dir.resolve(DISK), dir.resolve(STATE), dir.resolve(RAM));
    }

    // Checks the produced files and writes the manifest that problem() validates.
    private void seal(HardwareKey key, Path tmp) throws IOException {
        for (String file : List.of(DISK, STATE, RAM)) {
            if (!Files.isRegularFile(tmp.resolve(file))) {
                throw new SnapshotException("taking warm snapshot " + key.digest() + " left no " + file
                        + " in " + tmp, null);
            }
        }
        Properties manifest = new Properties();
        manifest.setProperty("image", image.hash());
        manifest.setProperty("imageDisk", image.disk().toAbsolutePath().toString());
        manifest.setProperty("imageDiskSize", Long.toString(Files.size(image.disk())));
        manifest.setProperty("imageDiskModified", Long.toString(Files.getLastModifiedTime(image.disk()).toMillis()));
        manifest.setProperty("key", key.digest());
        manifest.setProperty("hardware", key.describe());
        manifest.setProperty("diskSize", Long.toString(Files.size(tmp.resolve(DISK))));
        manifest.setProperty("stateSize", Long.toString(Files.size(tmp.resolve(STATE))));
        manifest.setProperty("ramSize", Long.toString(Files.size(tmp.resolve(RAM))));
        manifest.setProperty("created", Instant.now().toString());
        try (OutputStream out = Files.newOutputStream(tmp.resolve(MANIFEST))) {
            manifest.store(out, "hostspec warm snapshot");
        }
        // Machines only read snapshots, through overlays. RAM stays owner-writable: QEMU 7.2 opens a mem-path
        // read-write even for share=off (its readonly=on maps the guest's RAM read-only); with share=off the mapping
        // is private, so guest writes never reach the file.
        for (String file : List.of(DISK, STATE, MANIFEST)) {
            tmp.resolve(file).toFile().setReadOnly();
        }
    }

    /** Why the entry is unusable, or empty when it is valid. */
    Optional<String> problem(Path dir, HardwareKey key) {
        if (!Files.isDirectory(dir)) {
            return Optional.of("absent");
        }
        Properties manifest = new Properties();
        try (InputStream in = Files.newInputStream(dir.resolve(MANIFEST))) {
            manifest.load(in);
        } catch (IOException e) {
            return Optional.of("manifest missing or unreadable");
        }
        try {
            if (!image.hash().equals(manifest.getProperty("image"))
                    || !Long.toString(Files.size(image.disk())).equals(manifest.getProperty("imageDiskSize"))
                    || !Long.toString(Files.getLastModifiedTime(image.disk()).toMillis())
                    .equals(manifest.getProperty("imageDiskModified"))) {
                return Optional.of("taken on another build of the image");
            }
            if (!key.digest().equals(manifest.getProperty("key"))
                    || !key.describe().equals(manifest.getProperty("hardware"))) {
                return Optional.of("taken on other hardware");
            }
            for (String[] file : new String[][] {{DISK, "diskSize"}, {STATE, "stateSize"}, {RAM, "ramSize"}}) {
                Path path = dir.resolve(file[0]);
                if (!Files.isRegularFile(path)) {
                    return Optional.of(file[0] + " is missing");
                }
                String size = Long.toString(Files.size(path));
                if (!size.equals(manifest.getProperty(file[1]))) {
                    return Optional.of(file[0] + " has " + size + " bytes, manifest says "
                            + manifest.getProperty(file[1]));
                }
            }
            try (InputStream in = Files.newInputStream(dir.resolve(STATE))) {
                if (!java.util.Arrays.equals(in.readNBytes(STATE_MAGIC.length), STATE_MAGIC)) {
                    return Optional.of(STATE + " is not a QEMU state file");
                }
            }
        } catch (IOException e) {
            return Optional.of("unreadable: " + e);
        }
        return Optional.empty();
    }

    static void deleteRecursively(Path dir) {
        AtomicEntryStore.deleteRecursively(dir);
    }

    /** A warm snapshot could not be taken or stored. */
    public static final class SnapshotException extends RuntimeException {
        /**
         * @param message what went wrong, naming the snapshot
         * @param cause   the underlying failure, may be null
         */
        public SnapshotException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @Override
    public String toString() {
        return "SnapshotCache[" + root + "]";
    }

    /** @return the image this cache belongs to */
    public BuiltImage image() {
        return Objects.requireNonNull(image);
    }
}
