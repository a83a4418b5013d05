package io.hostspec.machine;

import io.hostspec.image.BuiltImage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A guest that stops answering (frozen with SIGSTOP: QEMU is alive, its sockets accept, nothing replies, as with a
 * kernel that hangs or panics without rebooting) fails a command, and a boot, within the caller's timeout, naming the
 * host and carrying the console tail; closing the lab still leaves nothing behind.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HungGuestIT {

    private static final Duration SHORT = Duration.ofSeconds(8);
    private static Lab lab;
    private static Machine machine;
    private static final List<Long> pids = new ArrayList<>();

    @BeforeAll
    static void boot() throws Exception {
        BuiltImage image = MachineIT.devImage();
        lab = Lab.create();
        machine = lab.add(MachineSpec.of("frozen", image));
        machine.start();
        machine.waitUntilReady(Timeouts.boot());
        pids.add(machine.pid().orElseThrow());
    }

    @AfterAll
    static void nothingSurvives() throws Exception {
        for (long pid : pids) {
            signal("CONT", pid);
        }
        Path runDir = lab.runDirectory();
        lab.close();
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "QEMU " + pid + " survived");
        }
        assertFalse(Files.exists(runDir), "run directory left behind: " + runDir);
    }

    @Test
    @Order(1)
    void aCommandToAFrozenGuestFailsWithinItsTimeout() throws Exception {
        long pid = machine.pid().orElseThrow();
        signal("STOP", pid);
        long t0 = System.nanoTime();
        MachineException e = assertThrows(MachineException.class, () -> machine.execute("true", SHORT));
        double took = (System.nanoTime() - t0) / 1e9;
        signal("CONT", pid);
        String message = e.getMessage();
        assertTrue(took < SHORT.toSeconds() + 10, "took " + took + " s for a timeout of " + SHORT);
        assertTrue(message.contains("frozen"), message);
        assertTrue(message.contains("no answer from the guest agent"), message);
        assertTrue(message.contains("console of frozen"), "no console tail in: " + message);
    }

    @Test
    @Order(2)
    void aGuestThatNeverAnswersDuringBootFailsWithinTheWait() throws Exception {
        machine.crash();
        machine.start(); // a cold boot from its own disk, asynchronous
        long pid = machine.pid().orElseThrow();
        pids.add(pid);
        signal("STOP", pid);
        long t0 = System.nanoTime();
        RuntimeException e = assertThrows(RuntimeException.class, () -> machine.waitUntilReady(SHORT));
        double took = (System.nanoTime() - t0) / 1e9;
        signal("CONT", pid);
        assertTrue(took < SHORT.toSeconds() + 10, "took " + took + " s for a wait of " + SHORT);
        assertTrue(e.getMessage().contains("frozen"), e.getMessage());
        assertTrue(e.getMessage().contains("console of frozen"), "no console tail in: " + e.getMessage());
    }

    private static void signal(String name, long pid) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + name, Long.toString(pid)).inheritIO().start().waitFor();
    }
}
