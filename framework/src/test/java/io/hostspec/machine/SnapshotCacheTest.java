package io.hostspec.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hostspec.image.BuiltImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Snapshot cache bookkeeping without VMs: keys, publish, invalidation, corrupt entries, concurrent producers. */
class SnapshotCacheTest {

    @TempDir
    Path tmp;
    private BuiltImage image;
    private SnapshotCache cache;
    private final java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    private java.io.PrintStream originalErr;

    @BeforeEach
    void setUp() throws IOException {
        Path dir = Files.createDirectories(tmp.resolve("images/abc"));
        Files.writeString(dir.resolve("disk.qcow2"), "base disk");
        Files.writeString(dir.resolve("vmlinuz"), "k");
        Files.writeString(dir.resolve("initrd.img"), "i");
        image = new BuiltImage("abc", dir.resolve("disk.qcow2"), dir.resolve("vmlinuz"), dir.resolve("initrd.img"));
        cache = SnapshotCache.beside(image);
        // without a run, RunLog shows warnings on the current System.err
        originalErr = System.err;
        System.setErr(new java.io.PrintStream(captured, true));
    }

    @AfterEach
    void tearDown() {
        System.setErr(originalErr);
        originalErr.print(logged());
    }

    private String logged() {
        return captured.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    private static HardwareKey key(int memory, List<String> extra) {
        MachineSpec spec = MachineSpec.of("web", new BuiltImage("abc", Path.of("/d"), Path.of("/k"), Path.of("/i")))
                .withMemoryMiB(memory).withExtraQemuArgs(extra);
        return HardwareKey.of(spec, "tcg", "root=/dev/vda rw console=ttyS0", "QEMU emulator version 7.2.22");
    }

    private static void fakeSnapshot(Path dir) throws IOException {
        Files.writeString(dir.resolve(SnapshotCache.DISK), "frozen disk");
        Files.write(dir.resolve(SnapshotCache.STATE), new byte[] {'Q', 'E', 'V', 'M', 0, 0, 0, 3, 42});
        Files.writeString(dir.resolve(SnapshotCache.RAM), "guest ram");
    }

    private long warnings() {
        return logged().lines().filter(line -> line.contains("WARN") && line.contains("is unusable")).count();
    }

    @Test
    void keysIgnorePerRunPathsAndMacsButNotDevicesOrHardware() {
        List<String> nicA = List.of("-netdev", "stream,id=n0,addr.type=unix,addr.path=/tmp/run-1/lan.sock",
                "-device", "virtio-net-device,netdev=n0,mac=52:54:00:00:00:01");
        List<String> nicB = List.of("-netdev", "stream,id=n0,addr.type=unix,addr.path=/tmp/run-2/lan.sock",
                "-device", "virtio-net-device,netdev=n0,mac=52:54:00:00:00:02");
        List<String> twoNics = new ArrayList<>(nicA);
        twoNics.addAll(List.of("-netdev", "stream,id=n1,addr.type=unix,addr.path=/tmp/x",
                "-device", "virtio-net-device,netdev=n1,mac=52:54:00:00:00:03"));
        assertEquals(key(512, nicA).digest(), key(512, nicB).digest(), "socket paths and MACs are per run");
        assertNotEquals(key(512, nicA).digest(), key(512, twoNics).digest(), "the NIC count is hardware");
        assertNotEquals(key(512, nicA).digest(), key(1024, nicA).digest(), "memory is hardware");
        assertNotEquals(key(512, List.of()).digest(), key(512, nicA).digest());
        assertTrue(key(512, nicA).describe().contains("devices=-netdev stream,addr.type=unix -device virtio-net-device"),
                key(512, nicA).describe());
    }

    @Test
    void publishedSnapshotIsFoundWithItsFilesReadOnly() throws IOException {
        HardwareKey key = key(512, List.of());
        assertTrue(cache.find(key).isEmpty());
        SnapshotCache.Snapshot created = cache.getOrCreate(key, SnapshotCacheTest::fakeSnapshot);
        assertEquals(image.disk().getParent().resolve("warm").resolve(key.digest()), created.dir());
        assertEquals(created, cache.find(key).orElseThrow());
        assertFalse(Files.getPosixFilePermissions(created.state()).stream().anyMatch(p -> p.name().endsWith("WRITE")),
                "state is read-only");
        assertTrue(cache.find(key(1024, List.of())).isEmpty(), "other hardware, no snapshot");
    }

    @Test
    void aRebuiltImageInvalidatesItsSnapshots() throws IOException {
        HardwareKey key = key(512, List.of());
        SnapshotCache.Snapshot created = cache.getOrCreate(key, SnapshotCacheTest::fakeSnapshot);
        Files.setLastModifiedTime(image.disk(), FileTime.fromMillis(Files.getLastModifiedTime(image.disk())
                .toMillis() + 60_000));
        assertTrue(cache.find(key).isEmpty());
        assertFalse(Files.exists(created.dir()), "a stale snapshot is deleted");
        assertEquals(1, warnings());
        assertTrue(logged().contains("another build of the image"), logged());
    }

    @Test
    void aTruncatedStateIsDeletedAndReportedOnce() throws IOException {
        HardwareKey key = key(512, List.of());
        SnapshotCache.Snapshot created = cache.getOrCreate(key, SnapshotCacheTest::fakeSnapshot);
        created.state().toFile().setWritable(true);
        Files.write(created.state(), new byte[] {'Q', 'E'});
        assertTrue(cache.find(key).isEmpty());
        assertTrue(cache.find(key).isEmpty());
        assertFalse(Files.exists(created.dir()));
        assertEquals(1, warnings(), "said once, not on every lookup");
        assertTrue(logged().contains("state has 2 bytes"), logged());
    }

    @Test
    void aStateThatIsNotAQemuStreamIsRejected() throws IOException {
        HardwareKey key = key(512, List.of());
        SnapshotCache.Snapshot created = cache.getOrCreate(key, dir -> {
            Files.writeString(dir.resolve(SnapshotCache.DISK), "d");
            Files.writeString(dir.resolve(SnapshotCache.STATE), "garbage!!");
            Files.writeString(dir.resolve(SnapshotCache.RAM), "r");
        });
        assertTrue(cache.find(key).isEmpty());
        assertFalse(Files.exists(created.dir()));
    }

    @Test
    void invalidateDeletesAndLaterCallsTakeANewOne() {
        HardwareKey key = key(512, List.of());
        SnapshotCache.Snapshot first = cache.getOrCreate(key, SnapshotCacheTest::fakeSnapshot);
        cache.invalidate(first, "QEMU refused the state");
        cache.invalidate(first, "again"); // already gone: no second message
        assertEquals(1, warnings());
        assertTrue(logged().contains("QEMU refused the state"), logged());
        AtomicInteger produced = new AtomicInteger();
        cache.getOrCreate(key, dir -> {
            produced.incrementAndGet();
            fakeSnapshot(dir);
        });
        assertEquals(1, produced.get());
    }

    @Test
    void aFailingProducerLeavesNothingVisible() throws IOException {
        HardwareKey key = key(512, List.of());
        SnapshotCache.SnapshotException e = assertThrows(SnapshotCache.SnapshotException.class,
                () -> cache.getOrCreate(key, dir -> Files.writeString(dir.resolve(SnapshotCache.DISK), "only disk")));
        assertTrue(e.getMessage().contains("left no state"), e.getMessage());
        try (var entries = Files.list(cache.root())) {
            assertEquals(List.of(key.digest() + ".lock"),
                    entries.map(p -> p.getFileName().toString()).toList(), "no temporary directory left");
        }
    }

    @Test
    void concurrentStartsProduceOneSnapshotAndAllGetIt() throws Exception {
        HardwareKey key = key(512, List.of());
        AtomicInteger produced = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<SnapshotCache.Snapshot>> results = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                results.add(pool.submit(() -> {
                    go.await();
                    // a second cache instance, like another machine or another JVM's view
                    return SnapshotCache.beside(image).getOrCreate(key, dir -> {
                        produced.incrementAndGet();
                        Thread.sleep(100);
                        fakeSnapshot(dir);
                    });
                }));
            }
            go.countDown();
            SnapshotCache.Snapshot first = results.get(0).get(10, TimeUnit.SECONDS);
            for (Future<SnapshotCache.Snapshot> result : results) {
                assertEquals(first, result.get(10, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(1, produced.get(), "one producer, the others waited and reused it");
    }

    @Test
    void warmStartsAreOnUnlessSwitchedOff() {
        try {
            System.clearProperty(SnapshotCache.PROPERTY);
            assertTrue(SnapshotCache.enabled());
            System.setProperty(SnapshotCache.PROPERTY, "false");
            assertFalse(SnapshotCache.enabled());
        } finally {
            System.clearProperty(SnapshotCache.PROPERTY);
        }
    }
}
