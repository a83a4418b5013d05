package io.hostspec.image;

import io.hostspec.cache.AtomicEntryStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the image cache holds and the removal of what was not used lately. Images (with their warm snapshots) and
 * base layers are entries; an entry's last use is the modification time of its directory, which every lookup that
 * finds it sets ({@link ImageCache#findImage}, {@link ImageCache#image}, and the base layer lookups).
 *
 * <p>An entry used within {@link #IN_USE} is never removed: a run that is still going looked its images up when
 * its scenarios started. An entry being produced (its lock is held) is skipped. The apt archive bounds itself.
 */
public final class CachePruner {

    /** Entries used more recently than this are kept whatever the bounds say: a run may still be using them. */
    public static final Duration IN_USE = Duration.ofHours(3);

    private final ImageCache cache;

    public CachePruner(ImageCache cache) {
        this.cache = cache;
    }

    /**
     * One entry of the cache.
     *
     * @param kind     {@code image} or {@code base}
     * @param key      its hash
     * @param bytes    its size on disk, snapshots included
     * @param lastUsed when a lookup last found it
     */
    public record Entry(String kind, String key, long bytes, Instant lastUsed) {
    }

    /** @return every image and base layer entry, least recently used first */
    public List<Entry> entries() {
        List<Entry> all = new ArrayList<>();
        for (String kind : List.of("image", "base")) {
            Path dir = folder(kind);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> list = Files.list(dir)) {
                for (Path p : list.filter(Files::isDirectory).toList()) {
                    String name = p.getFileName().toString();
                    if (!name.startsWith(".")) {
                        all.add(new Entry(kind, name, bytes(p), Files.getLastModifiedTime(p).toInstant()));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + dir, e);
            }
        }
        all.sort(Comparator.comparing(Entry::lastUsed));
        return all;
    }

    /**
     * Removes entries not used for {@code olderThan}, then more, least recently used first, until the entries take
     * at most {@code maxBytes}; never one used within {@link #IN_USE} or being produced.
     *
     * @param olderThan entries unused this long go
     * @param maxBytes  the size the entries may keep, or {@link Long#MAX_VALUE}
     * @param now       the present
     * @param dryRun    report without removing
     * @return the entries removed (or, in a dry run, that would be)
     */
    public List<Entry> prune(Duration olderThan, long maxBytes, Instant now, boolean dryRun) {
        List<Entry> entries = entries();
        long total = entries.stream().mapToLong(Entry::bytes).sum();
        List<Entry> removed = new ArrayList<>();
        for (Entry e : entries) {
            boolean stale = e.lastUsed().isBefore(now.minus(olderThan));
            boolean over = total > maxBytes;
            if ((!stale && !over) || e.lastUsed().isAfter(now.minus(IN_USE))) {
                continue;
            }
            if (dryRun || store(e.kind()).trashIfIdle(e.key())) {
                removed.add(e);
                total -= e.bytes();
            }
        }
        return removed;
    }

    private AtomicEntryStore store(String kind) {
        return new AtomicEntryStore(folder(kind), kind.equals("image") ? "image" : "base layer");
    }

    private Path folder(String kind) {
        return cache.root().resolve(kind.equals("image") ? "images" : "base");
    }

    /** Bytes a tree takes on disk, by {@code du} (sparse disks and snapshot RAM files count for what they hold). */
    static long bytes(Path dir) {
        try {
            Process du = new ProcessBuilder("du", "-s", "--block-size=1", dir.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(du.getInputStream().readAllBytes()).strip();
            if (du.waitFor() != 0 || out.isEmpty()) {
                throw new IOException("du -s " + dir + " exited with " + du.exitValue());
            }
            return Long.parseLong(out.split("\\s+")[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + dir, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while measuring " + dir, e);
        }
    }
}
