package io.hostspec.image.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AptArchiveTest {

    @TempDir
    Path tmp;

    private Path deb(Path dir, String name, int bytes) throws IOException {
        Files.createDirectories(dir);
        return Files.write(dir.resolve(name), new byte[bytes]);
    }

    @Test
    void packagesDownloadedByOneBuildAreLinkedIntoTheNext() throws IOException {
        AptArchive archive = new AptArchive(tmp.resolve("apt/archives"), 1 << 20);
        Path first = tmp.resolve("root1/var/cache/apt/archives");
        deb(first, "jq_1.6_amd64.deb", 100);
        Files.createDirectories(first.resolve("partial"));
        Files.writeString(first.resolve("lock"), "");
        assertEquals(1, archive.collectFrom(first));
        assertEquals(0, archive.collectFrom(first), "already there");

        Path second = tmp.resolve("root2/var/cache/apt/archives");
        assertEquals(1, archive.linkInto(second));
        assertEquals(100, Files.size(second.resolve("jq_1.6_amd64.deb")));
        assertTrue(Files.isSameFile(second.resolve("jq_1.6_amd64.deb"), archive.dir().resolve("jq_1.6_amd64.deb")),
                "a hard link, not a copy");
        assertFalse(Files.exists(archive.dir().resolve("lock")), "only packages are archived");
    }

    @Test
    void theArchiveIsPrunedToItsBoundLeastRecentlyUsedFirst() throws IOException {
        AptArchive archive = new AptArchive(tmp.resolve("apt/archives"), 250);
        Path old = tmp.resolve("old");
        deb(old, "a_1_amd64.deb", 100);
        deb(old, "b_1_amd64.deb", 100);
        archive.collectFrom(old);
        Files.setLastModifiedTime(archive.dir().resolve("a_1_amd64.deb"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        Files.setLastModifiedTime(archive.dir().resolve("b_1_amd64.deb"), FileTime.from(Instant.parse("2021-01-01T00:00:00Z")));
        Path next = tmp.resolve("next");
        deb(next, "c_1_amd64.deb", 100);
        archive.collectFrom(next);
        assertFalse(Files.exists(archive.dir().resolve("a_1_amd64.deb")), "least recently used goes first");
        assertTrue(Files.exists(archive.dir().resolve("b_1_amd64.deb")));
        assertTrue(Files.exists(archive.dir().resolve("c_1_amd64.deb")));
        assertTrue(archive.size() <= 250, "size " + archive.size());
    }

    @Test
    void concurrentCollectionsKeepEveryPackageWithinTheBound() throws Exception {
        AptArchive archive = new AptArchive(tmp.resolve("apt/archives"), 10_000);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> added = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                Path dir = tmp.resolve("build" + t);
                for (int i = 0; i < 20; i++) {
                    deb(dir, "p" + i + "_1_amd64.deb", 100); // the same 20 packages in every build
                }
                added.add(pool.submit(() -> archive.collectFrom(dir)));
            }
            int total = 0;
            for (Future<Integer> f : added) {
                total += f.get();
            }
            assertEquals(20, total, "each package is added once");
            assertEquals(2000, archive.size());
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theBoundComesFromThePropertyInMiB() {
        System.setProperty(AptArchive.MAX_PROPERTY, "3");
        try {
            assertEquals(3L << 20, AptArchive.in(tmp).maxBytes());
            assertEquals(tmp.resolve("apt/archives"), AptArchive.in(tmp).dir());
        } finally {
            System.clearProperty(AptArchive.MAX_PROPERTY);
        }
        assertEquals(AptArchive.DEFAULT_MAX_BYTES, AptArchive.in(tmp).maxBytes());
    }
}
