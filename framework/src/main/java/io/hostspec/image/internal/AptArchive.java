package io.hostspec.image.internal;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The persistent apt archive of an image cache: every {@code .deb} a layer build downloaded, so that a package is
 * fetched from the mirror once per machine, not once per layer.
 *
 * <p>A build links the archive's packages into its root file system's {@code /var/cache/apt/archives} before apt runs
 * ({@link #linkInto}; apt then downloads only what is missing) and hands the packages back afterwards
 * ({@link #collectFrom}). Files are hard links where the file systems allow it (the archive and the cache's scratch
 * space share one), copies otherwise. A package file is complete before it appears (apt downloads into
 * {@code partial/}; a copy is renamed into place), and never changes afterwards, so readers need no lock.
 * {@link #collectFrom} adds and prunes under one lock, a file lock beside the directory plus a lock of this JVM,
 * so that concurrent builds in one or several processes never prune each other's additions half-way. Pruning keeps
 * the archive within {@link #maxBytes()}, dropping the packages least recently used by a build first; a build that
 * holds a link to a pruned file keeps its content (the link is its own).
 *
 * @param dir      the directory of {@code .deb} files
 * @param maxBytes the size bound
 */
public record AptArchive(Path dir, long maxBytes) {

    /** Default size bound: room for the packages of many hosts. */
    public static final long DEFAULT_MAX_BYTES = 2L << 30;
    /** System property overriding the size bound, in MiB. */
    public static final String MAX_PROPERTY = "hostspec.aptArchiveMiB";

    private static final Logger LOG = LoggerFactory.getLogger(AptArchive.class);
    private static final Map<Path, ReentrantLock> LOCAL_LOCKS = new ConcurrentHashMap<>();

    /** The archive of the cache rooted at {@code cacheRoot} ({@code apt/archives}), bounded by the property or default. */
    public static AptArchive in(Path cacheRoot) {
        String mib = System.getProperty(MAX_PROPERTY);
        long max = mib == null || mib.isBlank() ? DEFAULT_MAX_BYTES : Long.parseLong(mib.strip()) << 20;
        return new AptArchive(cacheRoot.resolve("apt").resolve("archives"), max);
    }

    /**
     * Makes every archived package available in {@code archives} (a root file system's
     * {@code /var/cache/apt/archives}).
     *
     * @param archives the target directory, created when missing
     * @return how many packages were made available
     */
    public int linkInto(Path archives) throws IOException {
        Files.createDirectories(archives);
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        int n = 0;
        for (Path deb : debs(dir)) {
            Path target = archives.resolve(deb.getFileName());
            if (!Files.exists(target) && place(deb, target)) {
                n++;
            }
        }
        return n;
    }

    /**
     * Adds the packages in {@code archives} that the archive lacks, marks all of them used, and prunes the archive to
     * its bound.
     *
     * @param archives a root file system's {@code /var/cache/apt/archives} after apt ran
     * @return how many packages were added
     */
    public int collectFrom(Path archives) throws IOException {
        if (!Files.isDirectory(archives)) {
            return 0;
        }
        Files.createDirectories(dir);
        Path lockFile = dir.resolveSibling(dir.getFileName() + ".lock");
        ReentrantLock local = LOCAL_LOCKS.computeIfAbsent(lockFile, k -> new ReentrantLock());
        local.lock();
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock ignored = ch.lock()) {
            int added = 0;
            FileTime now = FileTime.from(Instant.now());
            for (Path deb : debs(archives)) {
                Path target = dir.resolve(deb.getFileName());
                if (!Files.exists(target) && place(deb, target)) {
                    added++;
                }
                if (Files.exists(target)) {
                    Files.setLastModifiedTime(target, now);
                }
            }
            prune();
            return added;
        } finally {
            local.unlock();
        }
    }

    /** Removes the least recently used packages until the archive fits its bound (call under the lock). */
    private void prune() throws IOException {
        record Entry(Path path, long size, FileTime used) {
        }
        List<Entry> entries = new ArrayList<>();
        long total = 0;
        for (Path deb : debs(dir)) {
            long size = Files.size(deb);
            entries.add(new Entry(deb, size, Files.getLastModifiedTime(deb)));
            total += size;
        }
        entries.sort(Comparator.comparing(Entry::used).thenComparing(e -> e.path().getFileName().toString()));
        int removed = 0;
        for (Entry e : entries) {
            if (total <= maxBytes) {
                break;
            }
            Files.deleteIfExists(e.path());
            total -= e.size();
            removed++;
        }
        if (removed > 0) {
            LOG.info("apt archive {}: removed {} least recently used packages to stay within {} MiB", dir, removed,
                    maxBytes >> 20);
        }
    }

    /** Total size of the archived packages, in bytes. */
    public long size() throws IOException {
        long total = 0;
        if (Files.isDirectory(dir)) {
            for (Path deb : debs(dir)) {
                total += Files.size(deb);
            }
        }
        return total;
    }

    private static List<Path> debs(Path directory) throws IOException {
        try (var files = Files.list(directory)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".deb") && Files.isRegularFile(p))
                    .sorted().toList();
        }
    }

    /** Hard-links {@code source} to {@code target}, or copies it (renamed into place); false when it vanished. */
    private static boolean place(Path source, Path target) throws IOException {
        try {
            Files.createLink(target, source);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException | UnsupportedOperationException e) {
            // another file system: copy, and publish the complete file by renaming it
            Path tmp = target.resolveSibling(".tmp-" + target.getFileName() + "-" + ProcessHandle.current().pid()
                    + "-" + Thread.currentThread().getId());
            try {
                Files.copy(source, tmp, StandardCopyOption.REPLACE_EXISTING);
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                return true;
            } catch (java.nio.file.NoSuchFileException gone) {
                return false;
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
