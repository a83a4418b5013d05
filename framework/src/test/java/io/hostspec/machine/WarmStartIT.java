package io.hostspec.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hostspec.image.BuiltImage;
import io.hostspec.image.ImageCache;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Warm starts with real guests, on a private hard-linked copy of the dev image (so its snapshots start empty and are
 * deleted afterwards). Tests run in order: the first takes the snapshot the later ones restore.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WarmStartIT {

    private static Path imageDir;
    private static BuiltImage image;
    private static final List<Long> pids = new CopyOnWriteArrayList<>();
    private Lab lab;

    @BeforeAll
    static void privateImage() throws Exception {
        BuiltImage dev = MachineIT.devImage();
        imageDir = Files.createDirectories(ImageCache.defaultLocation().resolve("tmp"))
                .resolve("warm-it-" + ProcessHandle.current().pid());
        Files.createDirectories(imageDir);
        for (Path file : List.of(dev.disk(), dev.kernel(), dev.initrd())) {
            Path copy = imageDir.resolve(file.getFileName());
            try {
                Files.createLink(copy, file);
            } catch (java.io.IOException crossDevice) {
                Files.copy(file, copy);
            }
        }
        image = new BuiltImage("warm-it", imageDir.resolve("disk.qcow2"), imageDir.resolve("vmlinuz"),
                imageDir.resolve("initrd.img"));
    }

    @AfterAll
    static void nothingSurvives() {
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "QEMU " + pid + " alive");
        }
        SnapshotCache.deleteRecursively(imageDir);
    }

    @AfterEach
    void closeLab() {
        System.clearProperty(SnapshotCache.PROPERTY);
        if (lab != null) {
            lab.close();
        }
    }

    private Machine add(String name) {
        Machine machine = lab.add(MachineSpec.of(name, image));
        return machine;
    }

    private static void start(Machine machine) {
        machine.start();
        machine.waitUntilReady(Timeouts.boot());
        machine.pid().ifPresent(pids::add);
    }

    private static Optional<SnapshotCache.Snapshot> onlySnapshot() throws Exception {
        Path warm = imageDir.resolve("warm");
        if (!Files.isDirectory(warm)) {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(warm)) {
            List<Path> dirs = entries.filter(Files::isDirectory)
                    .filter(p -> !p.getFileName().toString().startsWith(".")).toList();
            assertTrue(dirs.size() <= 1, "one hardware, one snapshot: " + dirs);
            return dirs.stream().findFirst().map(d -> new SnapshotCache.Snapshot(null, d, d.resolve("disk.qcow2"),
                    d.resolve("state"), d.resolve("ram")));
        }
    }

    @Test
    @Order(1)
    void firstStartBootsColdTakesSnapshotAndRunsFromIt() throws Exception {
        lab = Lab.create();
        List<String> hooked = new CopyOnWriteArrayList<>();
        lab.afterStart(m -> hooked.add(m.name()));
        Machine first = add("first");
        long t0 = System.nanoTime();
        start(first);
        System.out.printf("MEASURE cold boot + snapshot + restore: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        assertEquals(Optional.of(Machine.StartKind.RESTORED), first.lastStart());
        assertTrue(onlySnapshot().isPresent(), "a snapshot was published");
        assertEquals(List.of("first"), hooked, "the hook runs once, after the restore, not on the snapshot boot");
        assertEquals("running", first.succeed("systemctl is-system-running").strip());
        // RAM came from the snapshot's file: tmpfs content written during the snapshot boot (it lives only in RAM)
        // is there, and long-running processes of that boot are alive
        first.succeed("test -d /run/systemd/system && pidof systemd-journald");
    }

    @Test
    @Order(2)
    void twoRestoresOfOneSnapshotAtOnceAreIsolated() {
        lab = Lab.create();
        List<String> hooked = new CopyOnWriteArrayList<>();
        lab.afterStart(m -> hooked.add(m.name()));
        Machine a = add("a");
        Machine b = add("b");
        long t0 = System.nanoTime();
        lab.startAll();
        System.out.printf("MEASURE two warm starts at once: %.2f s%n", (System.nanoTime() - t0) / 1e9);
        a.pid().ifPresent(pids::add);
        b.pid().ifPresent(pids::add);
        assertEquals(Optional.of(Machine.StartKind.RESTORED), a.lastStart());
        assertEquals(Optional.of(Machine.StartKind.RESTORED), b.lastStart());
        assertTrue(hooked.containsAll(List.of("a", "b")) && hooked.size() == 2, "hook ran on each: " + hooked);
        a.succeed("echo only-in-a > /var/tmp/marker && sync");
        assertEquals("only-in-a\n", a.succeed("cat /var/tmp/marker"));
        b.fail("test -e /var/tmp/marker");
        // identical post-boot state: same boot id (the same booted kernel)
        assertEquals(a.succeed("cat /proc/sys/kernel/random/boot_id"), b.succeed("cat /proc/sys/kernel/random/boot_id"));
    }

    @Test
    @Order(3)
    void restoredClockFollowsTheHost() {
        lab = Lab.create();
        Machine m = add("clock");
        start(m);
        long guest = Long.parseLong(m.succeed("date +%s").strip());
        long host = System.currentTimeMillis() / 1000;
        assertTrue(Math.abs(guest - host) <= 3, "guest clock " + guest + " vs host " + host);
        // set by the image's clock daemon, resident since before the snapshot (the agent is only the fallback)
        assertEquals("active\n", m.succeed("systemctl is-active hostspec-clock.service"));
        assertEquals("0\n", m.succeed("systemctl show -p NRestarts --value hostspec-clock.service"));
    }

    @Test
    @Order(4)
    void crashedRestoredMachineRebootsColdFromItsOwnDisk() {
        lab = Lab.create();
        Machine m = add("crashy");
        start(m);
        m.succeed("echo kept > /var/tmp/kept && sync");
        m.crash();
        start(m);
        assertEquals(Optional.of(Machine.StartKind.COLD_BOOT), m.lastStart());
        assertEquals("kept\n", m.succeed("cat /var/tmp/kept"));
    }

    @Test
    @Order(5)
    void corruptStateIsDeletedAndTheMachineFallsBackToAColdBoot() throws Exception {
        SnapshotCache.Snapshot snapshot = onlySnapshot().orElseThrow();
        Path state = snapshot.state();
        state.toFile().setWritable(true);
        try (RandomAccessFile raf = new RandomAccessFile(state.toFile(), "rw")) {
            raf.seek(4); // after the "QEVM" magic: the stream version; QEMU refuses an unknown one
            raf.writeInt(0x7f7f7f7f);
        }
        lab = Lab.create();
        Machine m = add("fallback");
        start(m);
        assertEquals("ok\n", m.succeed("echo ok"));
        // the corrupt snapshot was replaced by a fresh one (cold boot + snapshot), which this machine then restored
        SnapshotCache.Snapshot fresh = onlySnapshot().orElseThrow();
        try (RandomAccessFile raf = new RandomAccessFile(fresh.state().toFile(), "r")) {
            raf.seek(4);
            assertTrue(raf.readInt() != 0x7f7f7f7f, "the corrupt state is gone");
        }
    }

    @Test
    @Order(6)
    void warmStartsOffBootsCold() {
        System.setProperty(SnapshotCache.PROPERTY, "false");
        lab = Lab.create();
        Machine m = add("cold");
        start(m);
        assertEquals(Optional.of(Machine.StartKind.COLD_BOOT), m.lastStart());
        assertEquals("ok\n", m.succeed("echo ok"));
    }
}
