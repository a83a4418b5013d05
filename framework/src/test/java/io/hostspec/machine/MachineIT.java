package io.hostspec.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hostspec.image.BuiltImage;
import io.hostspec.image.ImageBuilder;
import io.hostspec.realize.Recipe;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Boots a real Debian guest (the smallest image the image builder makes, {@link #devImage()}) and drives it through the public Machine API. Tests run in order on one machine.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MachineIT {

    private static Lab lab;
    private static Machine machine;
    private static final List<Long> pids = Collections.synchronizedList(new ArrayList<>());

    @BeforeAll
    static void bootOnce() throws Exception {
        BuiltImage image = devImage();
        lab = Lab.create();
        machine = lab.add(MachineSpec.of("devhost", image));
        long t0 = System.nanoTime();
        machine.start();
        machine.pid().ifPresent(pids::add);
        machine.waitUntilReady(Timeouts.boot());
        System.out.printf("MEASURE cold boot to agent-ready: %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void closeAndCheckNothingSurvives() {
        Path runDir = lab.runDirectory();
        lab.close();
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "QEMU pid " + pid + " still alive");
        }
        assertFalse(Files.exists(runDir), "run directory left behind: " + runDir);
    }

    /**
     * The image of the machine-layer ITs: the smallest recipe (the packages every image has, host name devhost, no
     * firewall), built by the image builder into the shared cache, so it has every part hostspec puts into images.
     */
    static BuiltImage devImage() throws Exception {
        Recipe recipe = new Recipe("devhost", new TreeSet<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
                new TreeMap<>(), null, new TreeMap<>(), new TreeSet<>(), new TreeSet<>(),
                new Recipe.Hardware(1024, 1, new TreeSet<>()), new TreeMap<>(), new TreeMap<>());
        return ImageBuilder.create().build(recipe);
    }

    @Test
    @Order(1)
    void commandsReportOutputAndExitCodes() {
        assertTrue(machine.succeed("uname -r").strip().matches("\\d+\\.\\d+\\.\\d+-\\d+-cloud-amd64"),
                machine.succeed("uname -r"));
        assertEquals(0, machine.execute("true").exitCode());
        assertEquals(1, machine.execute("false").exitCode());
        ExecResult result = machine.execute("echo out; echo err >&2; exit 7");
        assertEquals(7, result.exitCode());
        assertEquals("out\n", result.stdout());
        assertEquals("err\n", result.stderr());
        assertEquals("devhost\n", machine.succeed("hostname"));
        machine.fail("test -e /nonexistent");
    }

    @Test
    @Order(2)
    void succeedFailureCarriesEvidence() {
        MachineException e = assertThrows(MachineException.class, () -> machine.succeed("echo boom >&2; exit 3"));
        assertTrue(e.getMessage().contains("exit code 3"), e.getMessage());
        assertTrue(e.getMessage().contains("boom"), e.getMessage());
        assertTrue(e.getMessage().contains("serial console of devhost"), e.getMessage());
        assertEquals("devhost", e.host());
    }

    @Test
    @Order(3)
    void waitsForUnitsFilesAndSockets() {
        machine.waitForUnit("systemd-journald.service", Duration.ofSeconds(60));
        machine.waitForUnit("qemu-guest-agent.service", Duration.ofSeconds(60));
        machine.waitForFile("/etc/hostname", Duration.ofSeconds(10));
        machine.waitForOpenUnixSocket("/run/systemd/journal/stdout", Duration.ofSeconds(10));
        machine.waitForClosedPort(80, Duration.ofSeconds(10));
        assertEquals("hello\nworld\n", roundTrip("hello\nworld\n"));
        MachineException e = assertThrows(MachineException.class,
                () -> machine.waitForFile("/nope", Duration.ofSeconds(2)));
        assertTrue(e.getMessage().contains("timed out after 2.0 s") && e.getMessage().contains("last seen"), e.getMessage());
    }

    private static String roundTrip(String content) {
        machine.writeFile("/root/note.txt", content);
        return machine.readFile("/root/note.txt");
    }

    @Test
    @Order(4)
    void failingUnitFailsTheWaitFast() {
        machine.writeFile("/etc/systemd/system/broken.service", "[Service]\nExecStart=/bin/false\n");
        machine.succeed("systemctl daemon-reload");
        machine.execute("systemctl start broken.service");
        long t0 = System.nanoTime();
        MachineException e = assertThrows(MachineException.class,
                () -> machine.waitForUnit("broken.service", Duration.ofSeconds(120)));
        double took = (System.nanoTime() - t0) / 1e9;
        System.out.printf("MEASURE failing unit detected after %.1f s (timeout 120 s)%n", took);
        assertTrue(took < 15, "took " + took + " s");
        assertTrue(e.getMessage().contains("ActiveState=failed"), e.getMessage());
        assertTrue(e.getMessage().contains("systemctl status broken.service"), e.getMessage());
    }

    @Test
    @Order(5)
    void commandRoundTrip() {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            micros.add(machine.execute("true").duration().toNanos() / 1000);
        }
        Collections.sort(micros);
        System.out.printf("MEASURE command round trip (true), median of 20: %.1f ms (min %.1f, max %.1f)%n",
                (micros.get(9) + micros.get(10)) / 2000.0, micros.get(0) / 1000.0, micros.get(19) / 1000.0);
    }

    @Test
    @Order(6)
    void rebootComesBackWithANewBoot() {
        String before = machine.succeed("cat /proc/sys/kernel/random/boot_id");
        long t0 = System.nanoTime();
        machine.reboot();
        System.out.printf("MEASURE reboot to agent-ready: %.1f s%n", (System.nanoTime() - t0) / 1e9);
        if (Boolean.getBoolean("it.showConsole")) {
            machine.consoleTail(200).forEach(line -> System.out.println("CONSOLE " + line));
        }
        assertNotEquals(before, machine.succeed("cat /proc/sys/kernel/random/boot_id"));
        assertTrue(machine.isRunning());
    }

    @Test
    @Order(7)
    void qemuDyingDuringAWaitFailsFast() throws Exception {
        long pid = machine.pid().orElseThrow();
        Thread killer = new Thread(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                return;
            }
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        });
        killer.start();
        long t0 = System.nanoTime();
        MachineException e = assertThrows(MachineException.class,
                () -> machine.waitUntilSucceeds("false", Duration.ofSeconds(120)));
        double took = (System.nanoTime() - t0) / 1e9;
        killer.join();
        System.out.printf("MEASURE QEMU killed during a 120 s wait: failed after %.1f s%n", took);
        assertTrue(took < 10, "took " + took + " s");
        assertTrue(e.getMessage().contains("QEMU of host devhost exited with code"), e.getMessage());
        assertTrue(e.getMessage().contains("serial console of devhost"), e.getMessage());
        assertFalse(machine.isRunning());
    }

    @Test
    @Order(8)
    void startAgainThenCrashMakesCommandsFailClearly() {
        machine.start();
        machine.pid().ifPresent(pids::add);
        assertEquals("ok\n", machine.succeed("echo ok"));
        long pid = machine.pid().orElseThrow();
        machine.crash();
        assertFalse(machine.isRunning());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        MachineException e = assertThrows(MachineException.class, () -> machine.execute("true"));
        assertTrue(e.getMessage().contains("crashed"), e.getMessage());
    }

    @Test
    @Order(9)
    void labNamesKnownHosts() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> lab.machine("web"));
        assertTrue(e.getMessage().contains("known hosts: devhost"), e.getMessage());
    }

    static String read(Path p) throws Exception {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
