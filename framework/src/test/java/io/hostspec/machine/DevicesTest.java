package io.hostspec.machine;

import io.hostspec.image.BuiltImage;
import io.hostspec.machine.internal.RunDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Extra disks and the TPM of a QEMU machine: their QEMU arguments, files, swtpm process, and the hardware key. */
class DevicesTest {

    private static final BuiltImage IMAGE = new BuiltImage("h", Path.of("/d"), Path.of("/k"), Path.of("/i"));

    @TempDir
    Path tmp;

    @Test
    void disksAreSparseFilesAttachedAfterTheRootDiskAndKeptAcrossLaunches() throws Exception {
        try (RunDirectory run = RunDirectory.create(tmp)) {
            MachineSpec spec = MachineSpec.of("laptop", IMAGE).withDisks(List.of(new MachineSpec.Disk("main", 64),
                    new MachineSpec.Disk("empty0", 8)));
            Devices devices = new Devices(spec, run);
            List<String> args = devices.qemuArgs();
            Path disk0 = run.machineDirectory("laptop").resolve("disk0-main.raw");
            assertEquals(List.of("-drive", "id=disk0,file=" + disk0 + ",format=raw,if=none",
                    "-device", "virtio-blk-device,drive=disk0,serial=main",
                    "-drive", "id=disk1,file=" + run.machineDirectory("laptop").resolve("disk1-empty0.raw")
                            + ",format=raw,if=none",
                    "-device", "virtio-blk-device,drive=disk1,serial=empty0"), args);
            assertEquals("", devices.kernelOptions());

            devices.prepare();
            assertEquals(64L * 1024 * 1024, Files.size(disk0));
            Files.write(disk0, new byte[] {42}, java.nio.file.StandardOpenOption.WRITE);
            devices.prepare(); // a relaunch (reboot, start after a crash) keeps the disk's content
            assertEquals(42, Files.readAllBytes(disk0)[0]);
        }
    }

    @Test
    void aMachineWithDevicesHasAnotherHardwareKeyAndNeverStartsWarm() {
        MachineSpec plain = MachineSpec.of("laptop", IMAGE);
        MachineSpec withDisk = plain.withDisks(List.of(new MachineSpec.Disk("main", 64)));
        assertTrue(plain.warmable());
        assertFalse(withDisk.warmable());
        assertFalse(plain.withTpm(true).warmable());
        List<String> tpmArgs = List.of("-chardev", "socket,id=chrtpm,path=/run/x/swtpm.sock",
                "-tpmdev", "emulator,id=tpm0,chardev=chrtpm", "-device", "tpm-tis,tpmdev=tpm0");
        assertNotEquals(HardwareKey.of(plain, "tcg", "c", "q").digest(),
                HardwareKey.of(plain.withExtraQemuArgs(tpmArgs), "tcg", "c", "q").digest());
    }

    @Test
    void swtpmStartsListensAndACrashIsReportedNamingTheHost() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/swtpm")), "swtpm is not installed");
        try (RunDirectory run = RunDirectory.create(tmp)) {
            MachineSpec spec = MachineSpec.of("laptop", IMAGE).withTpm(true);
            Devices devices = new Devices(spec, run);
            assertTrue(devices.qemuArgs().contains("tpm-tis,tpmdev=tpm0"), devices.qemuArgs().toString());
            assertEquals("tpm_tis.force=1 tpm_tis.interrupts=0", devices.kernelOptions());
            devices.prepare();
            long pid = devices.swtpmPid().orElseThrow();
            assertTrue(Files.exists(run.machineDirectory("laptop").resolve("swtpm.sock")));
            assertTrue(devices.swtpmFailure().isEmpty());

            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            // the handle of a pid can be gone before the JVM's Process of it records the exit: wait for the latter
            String failure = Awaitility.await("swtpm's exit seen by its Process").atMost(Duration.ofSeconds(10))
                    .until(devices::swtpmFailure, Optional::isPresent).orElseThrow();
            assertTrue(failure.startsWith("the TPM emulator of host laptop (swtpm, pid " + pid + ") exited with code"),
                    failure);

            devices.prepare(); // the next launch gets a new swtpm on the same state directory
            long next = devices.swtpmPid().orElseThrow();
            assertNotEquals(pid, next);
            devices.stopSwtpm();
            assertFalse(ProcessHandle.of(next).map(ProcessHandle::isAlive).orElse(false));
        }
    }
}
