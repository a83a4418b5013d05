package io.hostspec.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirectoryTest {

    @TempDir
    Path root;

    @Test
    void privateDirectoryDeletedOnClose() throws Exception {
        RunDirectory run = RunDirectory.create(root);
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(run.path())));
        Path machine = run.machineDirectory("web");
        Files.writeString(machine.resolve("console.log"), "x");
        run.close();
        assertFalse(Files.exists(run.path()));
    }

    @Test
    void staleRunIsReapedAndItsProcessKilledButALiveRunIsKept() throws Exception {
        RunDirectory live = RunDirectory.create(root);
        Process orphan = new ProcessBuilder("sleep", "300").start();
        try {
            Path stale = Files.createDirectory(root.resolve("999999-dead"));
            // pid 999999 with a bogus start time: no such live process
            Files.writeString(stale.resolve("owner"), "999999 1");
            Files.writeString(stale.resolve("qemu.pids"), orphan.pid() + " "
                    + orphan.toHandle().info().startInstant().orElseThrow().toEpochMilli() + "\n");
            assertEquals(1, RunDirectory.reapStale(root));
            assertTrue(orphan.waitFor(5, TimeUnit.SECONDS), "recorded process not killed");
            assertFalse(Files.exists(stale));
            assertTrue(Files.exists(live.path()), "a live run must be kept");
        } finally {
            orphan.destroyForcibly();
            live.close();
        }
    }

    @Test
    void aReusedPidIsNotKilled() throws Exception {
        Process bystander = new ProcessBuilder("sleep", "300").start();
        try {
            Path stale = Files.createDirectory(root.resolve("999998-dead"));
            Files.writeString(stale.resolve("owner"), "999998 1");
            // same pid, different start time: a different process now
            Files.writeString(stale.resolve("qemu.pids"), bystander.pid() + " 12345\n");
            RunDirectory.reapStale(root);
            assertTrue(bystander.isAlive());
        } finally {
            bystander.destroyForcibly();
        }
    }
}
