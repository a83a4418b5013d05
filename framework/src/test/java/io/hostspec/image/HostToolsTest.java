package io.hostspec.image;

import org.junit.jupiter.api.Test;

import java.util.List;

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
        assertTrue(HostTools.locate("mke2fs").isPresent() || HostTools.locate("sh").isPresent());
    }

    @Test
    void nonRootGetsTheExactCommand() {
        if (HostTools.isRoot()) {
            return; // as root, ensureInstalled would really call apt-get; that path is covered by doctor runs
        }
        HostTools.MissingToolsException e = org.junit.jupiter.api.Assertions.assertThrows(
                HostTools.MissingToolsException.class, () -> HostTools.of(List.of(MISSING)).ensureInstalled());
        assertTrue(e.getMessage().contains("sudo apt-get"), e.getMessage());
    }
}
