package io.hostspec.machine.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QemuCommandTest {

    private static QemuCommand command(Path dir, Optional<String> loadvm) {
        return new QemuCommand("tcg", 512, 2, Path.of("/k"), Path.of("/i"), "root=/dev/vda rw", dir.resolve("a,b.qcow2"),
                dir.resolve("qmp.sock"), dir.resolve("qga.sock"), dir.resolve("clock"), dir.resolve("console.log"),
                List.of("-netdev", "x"), loadvm);
    }

    @Test
    void microvmWithAgentQmpConsoleExtrasAndLoadvm() {
        List<String> args = command(Path.of("/run/x"), Optional.of("boot")).toArgs();
        String line = String.join(" ", args);
        assertEquals("qemu-system-x86_64", args.get(0));
        assertTrue(line.contains("-M microvm,acpi=on -accel tcg -cpu max -m 512 -smp 2"), line);
        assertTrue(line.contains("file=/run/x/a,,b.qcow2,format=qcow2"), "commas escaped: " + line);
        assertTrue(line.contains("name=org.qemu.guest_agent.0"), line);
        assertTrue(line.contains("-chardev pipe,id=clk0,path=/run/x/clock -device virtserialport,chardev=clk0,"
                + "name=org.hostspec.clock.0"), line);
        assertTrue(line.contains("-mon chardev=qmp0,mode=control"), line);
        assertTrue(line.contains("-no-reboot"), line);
        assertEquals(List.of("-netdev", "x", "-loadvm", "boot"), args.subList(args.size() - 4, args.size()));
    }

    @Test
    void restoreMapsTheRamFilePrivatelyAndDefersTheIncomingStream() {
        QemuCommand restore = command(Path.of("/run/x"), Optional.empty()).withIncoming(Path.of("/snap/state"))
                .withRamFile(new QemuCommand.RamFile(Path.of("/snap/r,am"), false));
        String line = String.join(" ", restore.toArgs());
        assertTrue(line.contains("-object memory-backend-file,id=ram0,size=512M,mem-path=/snap/r,,am,share=off "
                + "-machine memory-backend=ram0"), line);
        assertTrue(line.endsWith("-incoming defer"), line);
        assertEquals(Optional.of("exec:cat '/snap/state'"), restore.incomingUri());
        QemuCommand snapshotBoot = command(Path.of("/run/x"), Optional.empty())
                .withRamFile(new QemuCommand.RamFile(Path.of("/tmp/ram"), true));
        assertTrue(String.join(" ", snapshotBoot.toArgs()).contains("mem-path=/tmp/ram,share=on"));
        assertTrue(snapshotBoot.incomingUri().isEmpty());
    }

    @Test
    void tooLongSocketPathIsRejectedClearly() {
        Path deep = Path.of("/tmp/" + "d".repeat(100));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> command(deep, Optional.empty()));
        assertTrue(e.getMessage().contains("java.io.tmpdir"), e.getMessage());
    }
}
