package io.hostspec.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CachePrunerTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @TempDir
    Path root;

    private Path entry(String folder, String key, int kib, Duration unused) throws IOException {
        Path dir = Files.createDirectories(root.resolve(folder).resolve(key));
        Files.write(dir.resolve("disk.qcow2"), new byte[kib * 1024]);
        Files.setLastModifiedTime(dir, FileTime.from(NOW.minus(unused)));
        return dir;
    }

    private List<String> keys(List<CachePruner.Entry> entries) {
        return entries.stream().map(CachePruner.Entry::key).toList();
    }

    @Test
    void removesWhatWasNotUsedForTheAgeAndKeepsTheRest() throws IOException {
        Path old = entry("images", "old", 64, Duration.ofDays(20));
        Path recent = entry("images", "recent", 64, Duration.ofDays(2));
        Path oldBase = entry("base", "oldbase", 64, Duration.ofDays(30));

        List<CachePruner.Entry> removed = new CachePruner(ImageCache.at(root))
                .prune(Duration.ofDays(14), Long.MAX_VALUE, NOW, false);

        assertEquals(List.of("oldbase", "old"), keys(removed), "least recently used first");
        assertFalse(Files.exists(old));
        assertFalse(Files.exists(oldBase));
        assertTrue(Files.exists(recent));
        assertTrue(removed.get(0).bytes() >= 64 * 1024, "sizes come from the disk: " + removed);
    }

    @Test
    void aSizeBoundRemovesTheLeastRecentlyUsedButNeverWhatARunMayStillUse() throws IOException {
        entry("images", "a", 256, Duration.ofDays(3));
        entry("images", "b", 256, Duration.ofDays(2));
        Path c = entry("images", "c", 256, Duration.ofDays(1));
        Path running = entry("images", "running", 2048, Duration.ofMinutes(10));

        List<CachePruner.Entry> removed = new CachePruner(ImageCache.at(root))
                .prune(Duration.ofDays(14), 1L << 20, NOW, false);

        // 2.75 MiB against a 1 MiB bound: a, b, c go; the entry used ten minutes ago stays although still over
        assertEquals(List.of("a", "b", "c"), keys(removed));
        assertFalse(Files.exists(c));
        assertTrue(Files.exists(running));
    }

    @Test
    void aDryRunRemovesNothing() throws IOException {
        Path old = entry("images", "old", 8, Duration.ofDays(20));
        assertEquals(List.of("old"), keys(new CachePruner(ImageCache.at(root))
                .prune(Duration.ofDays(14), Long.MAX_VALUE, NOW, true)));
        assertTrue(Files.exists(old));
    }

    @Test
    void anEntryBeingProducedIsSkipped() throws IOException {
        Path old = entry("images", "busy", 8, Duration.ofDays(20));
        try (FileChannel channel = FileChannel.open(root.resolve("images/busy.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock held = channel.lock()) {
            assertTrue(held.isValid());
            assertEquals(List.of(), new CachePruner(ImageCache.at(root))
                    .prune(Duration.ofDays(14), Long.MAX_VALUE, NOW, false));
        }
        assertTrue(Files.exists(old));
    }

    @Test
    void aLookupThatFindsAnEntryRecordsItsUse() throws IOException {
        ImageCache cache = ImageCache.at(root);
        cache.baseLayer("abc", d -> Files.writeString(d.resolve(ImageCache.ROOTFS), "tar"));
        Files.setLastModifiedTime(cache.baseDir("abc"), FileTime.from(Instant.now().minus(Duration.ofDays(30))));
        assertTrue(cache.findBaseLayer("abc").isPresent());
        assertTrue(Files.getLastModifiedTime(cache.baseDir("abc")).toInstant()
                .isAfter(Instant.now().minus(Duration.ofMinutes(1))), "the entry's last use is now");
    }
}
