package io.hostspec.cache;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The one atomic-entry protocol of hostspec's caches: a directory of entries, each a directory named by a key, that
 * readers only ever see complete.
 *
 * <ul>
 *   <li><b>lock</b>: producing an entry holds a lock per key: a {@link ReentrantLock} between the threads of this JVM
 *       and a {@link FileLock} on {@code <key>.lock} between JVMs; a caller that waited reuses what the holder made;</li>
 *   <li><b>temporary directory</b>: the producer writes into {@code .tmp-<key>-<uuid>} beside the entries, on the same
 *       file system;</li>
 *   <li><b>validation</b>: the caller's {@link Validator} says why an entry is unusable (missing files, a manifest
 *       that does not match); an unusable entry found is thrown away;</li>
 *   <li><b>publish</b>: the caller's {@link Sealer} checks the produced files and writes the manifest, every file and
 *       the directory are fsynced, and one atomic rename makes the entry visible;</li>
 *   <li><b>trash</b>: an entry is deleted by an atomic rename to {@code .trash-<key>-<uuid>} first, so no reader sees
 *       half of it; the temporary and trash directories an interrupted producer left are removed under the key's
 *       lock.</li>
 * </ul>
 *
 * The image cache (images and base layers) and the warm snapshot cache use it: one protocol, one manifest per cache.
 */
public final class AtomicEntryStore {

    /** Says why an entry directory is unusable; empty when it is valid. */
    @FunctionalInterface
    public interface Validator {
        /**
         * @param entry the entry's directory (it may not exist)
         * @return the problem, e.g. {@code "state is missing"}; empty when the entry is usable
         */
        Optional<String> problem(Path entry);
    }

    /** Writes an entry's files. */
    @FunctionalInterface
    public interface Producer {
        /**
         * @param dir an empty directory on the store's file system, which becomes the entry
         * @throws Exception any failure; nothing becomes visible
         */
        void produce(Path dir) throws Exception;
    }

    /** Checks what a producer wrote and completes it (a manifest), before the entry is published. */
    @FunctionalInterface
    public interface Sealer {
        /**
         * @param dir the produced directory
         * @throws IOException when it cannot be completed
         * @throws EntryException when what was produced is incomplete
         */
        void seal(Path dir) throws IOException;
    }

    /** An entry could not be produced, published or deleted. */
    public static final class EntryException extends RuntimeException {
        /**
         * @param message what failed, with the entry
         * @param cause   the underlying failure, or null
         */
        public EntryException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(AtomicEntryStore.class);
    private static final Map<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    private final Path root;
    private final String noun;

    /**
     * @param root the directory holding the entries (created on first publish)
     * @param noun what an entry is, for messages, e.g. {@code warm snapshot}
     */
    public AtomicEntryStore(Path root, String noun) {
        this.root = root;
        this.noun = noun;
    }

    /** @return the directory holding the entries */
    public Path root() {
        return root;
    }

    /**
     * @param key an entry's key
     * @return its directory (it may not exist)
     */
    public Path entry(String key) {
        return root.resolve(key);
    }

    /**
     * The valid entry of the key, if any; an unusable one is thrown away and {@code onInvalid} told why.
     *
     * @param key       the key
     * @param validator what makes an entry usable
     * @param onInvalid receives the problem of an entry that was found and thrown away
     * @return the entry's directory, or empty
     */
    public Optional<Path> find(String key, Validator validator, java.util.function.Consumer<String> onInvalid) {
        Path dir = entry(key);
        Optional<String> problem = validator.problem(dir);
        if (problem.isEmpty()) {
            return Optional.of(dir);
        }
        if (Files.exists(dir) && trash(key)) {
            onInvalid.accept(problem.get());
        }
        return Optional.empty();
    }

    /**
     * The valid entry of the key, produced and published first when there is none, holding the key's lock meanwhile.
     *
     * @param key       the key
     * @param validator what makes an entry usable
     * @param producer  writes the files on a miss
     * @param sealer    checks them and writes the manifest before the publishing rename
     * @return the entry's directory and whether this call produced it
     * @throws EntryException when producing or publishing fails (nothing becomes visible then)
     */
    public Got getOrCreate(String key, Validator validator, Producer producer, Sealer sealer) {
        java.util.function.Consumer<String> unusable =
                problem -> LOG.warn("cache: unusable {} {} ({}); producing it again", noun, entry(key), problem);
        Optional<Path> found = find(key, validator, unusable);
        if (found.isPresent()) {
            return new Got(found.get(), false);
        }
        Path lockFile = root.resolve(key + ".lock");
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        local.lock();
        try {
            Files.createDirectories(root);
            try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock ignored = lockExclusively(channel, key)) {
                // Re-check under the lock: another process may have published it while this one waited.
                Optional<Path> meanwhile = find(key, validator, unusable);
                if (meanwhile.isPresent()) {
                    LOG.info("cache: {} {} was produced by another run meanwhile; reusing it", noun, shortKey(key));
                    return new Got(meanwhile.get(), false);
                }
                removeLeftovers(key);
                publish(key, producer, sealer);
                return new Got(entry(key), true);
            }
        } catch (IOException e) {
            throw new EntryException("cannot write " + noun + " " + entry(key) + ": " + e, e);
        } finally {
            local.unlock();
        }
    }

    private FileLock lockExclusively(FileChannel channel, String key) throws IOException {
        FileLock lock = channel.tryLock();
        if (lock != null) {
            return lock;
        }
        LOG.info("cache: another process is producing {} {}; waiting for it", noun, shortKey(key));
        return channel.lock();
    }

    private static String shortKey(String key) {
        return key.length() > 12 ? key.substring(0, 12) : key;
    }

    /**
     * An entry returned by {@link #getOrCreate}.
     *
     * @param dir      its directory
     * @param produced whether this call produced it (false: it existed, or another caller made it meanwhile)
     */
    public record Got(Path dir, boolean produced) {
    }

    /**
     * Deletes an entry: renamed away atomically first, then removed.
     *
     * @param key the key
     * @return false when it was already gone (another caller deleted it)
     * @throws EntryException when it cannot be renamed away
     */
    public boolean trash(String key) {
        Path trash = root.resolve(".trash-" + key + "-" + UUID.randomUUID());
        try {
            Files.move(entry(key), trash, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException gone) {
            return false;
        } catch (IOException e) {
            throw new EntryException("cannot delete unusable " + noun + " " + entry(key) + ": " + e, e);
        }
        deleteRecursively(trash);
        return true;
    }

    /**
     * Deletes an entry unless its key is locked, that is unless it is being produced by this or another process.
     *
     * @param key the key
     * @return true when it was deleted; false when it was busy or already gone
     * @throws EntryException when it cannot be locked or renamed away
     */
    public boolean trashIfIdle(String key) {
        Path lockFile = root.resolve(key + ".lock");
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        if (!local.tryLock()) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                return false;
            }
            return trash(key); // the empty lock file stays: another process may hold it open, waiting
        } catch (java.nio.channels.OverlappingFileLockException held) {
            return false; // this JVM holds it through another channel
        } catch (IOException e) {
            throw new EntryException("cannot delete " + noun + " " + entry(key) + ": " + e, e);
        } finally {
            local.unlock();
        }
    }

    private void publish(String key, Producer producer, Sealer sealer) throws IOException {
        Path tmp = root.resolve(".tmp-" + key + "-" + UUID.randomUUID());
        Files.createDirectory(tmp);
        boolean published = false;
        try {
            try {
                producer.produce(tmp);
            } catch (RuntimeException e) {
                throw e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EntryException("interrupted while producing " + noun + " " + key, e);
            } catch (Exception e) {
                throw new EntryException("producing " + noun + " " + key + " failed: " + e, e);
            }
            sealer.seal(tmp);
            try (Stream<Path> files = Files.list(tmp)) {
                for (Path file : files.toList()) {
                    fsync(file);
                }
            }
            fsync(tmp);
            try {
                Files.move(tmp, entry(key), StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                throw new EntryException("the cache file system cannot rename atomically: " + root, e);
            }
            published = true;
            fsync(root);
        } finally {
            if (!published) {
                deleteRecursively(tmp);
            }
        }
    }

    // Temporary and trash directories an interrupted producer of this key left (the caller holds its lock).
    private void removeLeftovers(String key) throws IOException {
        try (Stream<Path> siblings = Files.list(root)) {
            for (Path p : siblings.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(".tmp-" + key + "-") || n.startsWith(".trash-" + key + "-")) {
                    LOG.info("cache: removing what an interrupted run left: {}", p);
                    deleteRecursively(p);
                }
            }
        }
    }

    private static void fsync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /**
     * Deletes a directory tree; nothing when it does not exist.
     *
     * @param dir the directory
     * @throws UncheckedIOException when something in it cannot be deleted
     */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
