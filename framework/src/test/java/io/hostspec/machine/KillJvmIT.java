package io.hostspec.machine;

import io.hostspec.image.BuiltImage;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM killed with SIGKILL leaves no QEMU behind: no shutdown hook runs then, so only the parent-death signal that
 * the launcher thread arms through setpriv can end the guest. A child JVM boots a machine and prints its QEMU pid;
 * this test kills the child with SIGKILL and waits for that pid to disappear.
 */
class KillJvmIT {

    /** The child JVM: starts a machine, prints its QEMU pid and run directory, then waits to be killed. */
    public static void main(String[] args) throws Exception {
        Lab lab = Lab.create();
        Machine machine = lab.add(MachineSpec.of("victim", MachineIT.devImage()));
        machine.start();
        System.out.println("QEMU " + machine.pid().orElseThrow() + " " + lab.runDirectory());
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(5).toMillis());
    }

    @Test
    void qemuDiesWithAJvmKilledByKill9() throws Exception {
        BuiltImage warmCache = MachineIT.devImage(); // build the image here, not inside the child's deadline
        assertNotNull(warmCache);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                KillJvmIT.class.getName())).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            String qemu = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("QEMU ")) {
                    qemu = line;
                    break;
                }
            }
            assertNotNull(qemu, "the child JVM did not start a machine");
            long pid = Long.parseLong(qemu.split(" ")[1]);
            Path runDir = Path.of(qemu.split(" ")[2]);
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            assertTrue(handle.isPresent() && handle.get().isAlive(), "QEMU " + pid + " should run before the kill");

            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            child.waitFor();

            await("QEMU " + pid + " dies with its JVM").atMost(Duration.ofSeconds(15))
                    .until(() -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            // the private run directory stays until the next run reaps it; creating a lab reaps it
            Lab.create().close();
            await("stale run directory " + runDir + " reaped").atMost(Duration.ofSeconds(5))
                    .until(() -> !Files.exists(runDir));
        } finally {
            child.destroyForcibly();
        }
    }
}
