package io.hostspec.image;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HostToolsTest {

    private static final HostTools.Tool MISSING = new HostTools.Tool("hostspec-no-such-tool", "hostspec-nopkg",
            "testing");

    @Test
    void installCommandNamesEveryPackageOnceAndUsesSudoForNonRoot() {
        List<HostTools.Tool> tools = List.of(HostTools.VM_BACKEND.get(0), HostTools.VM_BACKEND.get(1),
                new HostTools.Tool("qemu-nbd", "qemu-utils", "x"));
        assertEquals("sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y "
                + "qemu-system-x86 qemu-utils", HostTools.installCommand(tools, false));
        assertEquals("apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y qemu-system-x86",
                HostTools.installCommand(tools.subList(0, 1), true));
    }

    @Test
    void reportFindsSbinToolsAndNamesMissingOnes() {
        HostTools tools = HostTools.of(List.of(new HostTools.Tool("sh", "dash", "a shell"), MISSING));
        List<HostTools.Status> report = tools.report();
        assertTrue(report.get(0).found());
        assertFalse(report.get(1).found());
        assertTrue(report.get(1).toString().startsWith("MISSING"), report.get(1).toString());
        assertEquals(List.of(MISSING), tools.missing());
        assertTrue(HostTools.locate("hostspec-no-such-tool").isEmpty(), "a tool nobody has is not found");
        Path sh = HostTools.locate("sh").orElseThrow(() -> new AssertionError("sh is not found on PATH or in /bin"));
        assertTrue(sh.isAbsolute() && Files.isExecutable(sh), sh.toString());
    }

    @Test
    void findsToolsInSbin() {
        Optional<Path> sbin = Stream.of("/usr/sbin/mke2fs", "/sbin/mke2fs").map(Path::of)
                .filter(Files::isExecutable).findFirst();
        Assumptions.assumeTrue(sbin.isPresent(), "this host has no mke2fs in /usr/sbin or /sbin to look for");
        // sbin is often missing from a non-root PATH; locate searches it anyway
        Path found = HostTools.locate("mke2fs").orElseThrow(() -> new AssertionError("mke2fs in " + sbin.get()
                + " is not found"));
        assertTrue(Files.isExecutable(found) && found.getFileName().toString().equals("mke2fs"), found.toString());
    }

    @Test
    void nonRootGetsTheExactCommand() {
        Assumptions.assumeFalse(HostTools.isRoot(), "running as root: ensureInstalled would install with apt-get "
                + "instead of failing with the command");
        HostTools.MissingToolsException e = org.junit.jupiter.api.Assertions.assertThrows(
                HostTools.MissingToolsException.class, () -> HostTools.of(List.of(MISSING)).ensureInstalled());
        assertTrue(e.getMessage().contains("sudo apt-get"), e.getMessage());
    }
}
