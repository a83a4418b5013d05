package io.hostspec.image;

import io.hostspec.image.internal.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageCacheTest {

    private static final String HASH = "0123456789abcdef";

    @TempDir
    Path root;

    private final AtomicInteger builds = new AtomicInteger();

    /** A fake image producer: three small files, counted. */
    private void fakeImage(Path dir) throws IOException {
        builds.incrementAndGet();
        Files.writeString(dir.resolve(ImageCache.DISK), "qcow2 bytes " + builds.get());
        Files.writeString(dir.resolve(ImageCache.KERNEL), "kernel");
        Files.writeString(dir.resolve(ImageCache.INITRD), "initrd");
    }

    @Test
    void missBuildsOnceThenHits() {
        ImageCache cache = ImageCache.at(root);
        assertTrue(cache.findImage(HASH).isEmpty());

        BuiltImage first = cache.image(HASH, this::fakeImage);
        BuiltImage second = cache.image(HASH, this::fakeImage);

        assertEquals(1, builds.get());
        assertEquals(first, second);
        assertEquals(root.resolve("images").resolve(HASH).resolve("disk.qcow2"), first.disk());
        assertTrue(Files.isRegularFile(first.kernel()));
        assertTrue(Files.isRegularFile(root.resolve("images").resolve(HASH).resolve(Manifest.FILE_NAME)));
        assertEquals(first, cache.findImage(HASH).orElseThrow());
    }

    @Test
    void baseLayersAreSeparateEntries() {
        ImageCache cache = ImageCache.at(root);
        Path tar = cache.baseLayer(HASH, dir -> Files.writeString(dir.resolve(ImageCache.ROOTFS), "tar"));
        assertEquals(root.resolve("base").resolve(HASH).resolve("rootfs.tar"), tar);
        assertTrue(cache.findImage(HASH).isEmpty());
        assertEquals(tar, cache.findBaseLayer(HASH).orElseThrow());
    }

    @Test
    void failingProducerLeavesNothingVisible() throws IOException {
        ImageCache cache = ImageCache.at(root);
        RuntimeException boom = assertThrows(IllegalStateException.class, () -> cache.image(HASH, dir -> {
            Files.writeString(dir.resolve(ImageCache.DISK), "half a disk");
            throw new IllegalStateException("mke2fs died");
        }));
        assertEquals("mke2fs died", boom.getMessage());
        assertTrue(cache.findImage(HASH).isEmpty());
        try (var entries = Files.list(root.resolve("images"))) {
            assertEquals(List.of(HASH + ".lock"), entries.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void producerThatForgetsAFileFailsAndPublishesNothing() {
        ImageCache cache = ImageCache.at(root);
        ImageCache.CacheException e = assertThrows(ImageCache.CacheException.class,
                () -> cache.image(HASH, dir -> Files.writeString(dir.resolve(ImageCache.DISK), "x")));
        assertTrue(e.getMessage().contains("vmlinuz"), e.getMessage());
        assertTrue(cache.findImage(HASH).isEmpty());
    }

    @Test
    void crashMidWriteIsInvisibleAndCleanedUpByTheNextBuild() throws IOException {
        // What a JVM killed during a build leaves: a temporary directory beside the entry, no entry.
        Path leftover = Files.createDirectories(root.resolve("images").resolve(".tmp-" + HASH + "-dead"));
        Files.writeString(leftover.resolve(ImageCache.DISK), "partial");
        ImageCache cache = ImageCache.at(root);

        assertTrue(cache.findImage(HASH).isEmpty());
        cache.image(HASH, this::fakeImage);

        assertEquals(1, builds.get());
        assertFalse(Files.exists(leftover));
    }

    @Test
    void truncatedFileIsDetectedAndRebuilt() throws IOException {
        ImageCache cache = ImageCache.at(root);
        BuiltImage image = cache.image(HASH, this::fakeImage);
        image.disk().toFile().setWritable(true);
        try (RandomAccessFile f = new RandomAccessFile(image.disk().toFile(), "rw")) {
            f.setLength(3);
        }

        assertTrue(cache.findImage(HASH).isEmpty());
        BuiltImage rebuilt = cache.image(HASH, this::fakeImage);

        assertEquals(2, builds.get());
        assertEquals("qcow2 bytes 2", Files.readString(rebuilt.disk()));
        assertTrue(cache.findImage(HASH).isPresent());
    }

    @Test
    void damagedManifestIsDetectedAndRebuilt() throws IOException {
        ImageCache cache = ImageCache.at(root);
        cache.image(HASH, this::fakeImage);
        Path manifest = cache.imageDir(HASH).resolve(Manifest.FILE_NAME);
        Files.writeString(manifest, Files.readString(manifest).replace("\"size\" : 6", "\"size\" : 7"));

        assertTrue(cache.findImage(HASH).isEmpty());
        cache.image(HASH, this::fakeImage);
        assertEquals(2, builds.get());
    }

    @Test
    void sameSizeCorruptionIsFoundOnlyByFullVerification() throws IOException {
        ImageCache cache = ImageCache.at(root);
        BuiltImage image = cache.image(HASH, this::fakeImage);
        image.kernel().toFile().setWritable(true);
        Files.writeString(image.kernel(), "KERNEL");

        assertTrue(cache.findImage(HASH).isPresent(), "fast lookup checks sizes only");
        assertTrue(cache.withFullVerification(true).findImage(HASH).isEmpty());
        cache.withFullVerification(true).image(HASH, this::fakeImage);
        assertEquals("kernel", Files.readString(image.kernel()));
    }

    @Test
    void hitOnALargeEntryTakesMilliseconds() throws IOException {
        ImageCache cache = ImageCache.at(root);
        cache.image(HASH, dir -> {
            fakeImage(dir);
            try (RandomAccessFile f = new RandomAccessFile(dir.resolve(ImageCache.DISK).toFile(), "rw")) {
                f.setLength(64L << 20);
            }
        });
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            cache.image(HASH, this::fakeImage);
        }
        long perHitMillis = (System.nanoTime() - start) / 10 / 1_000_000;
        assertTrue(perHitMillis < 100, "hit took " + perHitMillis + " ms");
        assertEquals(1, builds.get());
    }

    @Test
    void concurrentThreadsBuildOnce() throws Exception {
        ImageCache cache = ImageCache.at(root);
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<BuiltImage>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    return cache.image(HASH, dir -> {
                        Thread.sleep(200);
                        fakeImage(dir);
                    });
                }));
            }
            go.countDown();
            for (Future<BuiltImage> r : results) {
                assertEquals(cache.imageDir(HASH).resolve(ImageCache.DISK), r.get(10, TimeUnit.SECONDS).disk());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, builds.get());
    }

    @Test
    void locationComesFromThePropertyFirst() {
        String old = System.getProperty(ImageCache.PROPERTY);
        try {
            System.setProperty(ImageCache.PROPERTY, root.toString());
            assertEquals(root, ImageCache.defaultLocation());
            assertEquals(root, ImageCache.defaultCache().root());
        } finally {
            if (old == null) {
                System.clearProperty(ImageCache.PROPERTY);
            } else {
                System.setProperty(ImageCache.PROPERTY, old);
            }
        }
    }

    @Test
    void rejectsHashesThatWouldEscapeTheCache() {
        ImageCache cache = ImageCache.at(root);
        assertThrows(IllegalArgumentException.class, () -> cache.findImage("../etc"));
    }
}
