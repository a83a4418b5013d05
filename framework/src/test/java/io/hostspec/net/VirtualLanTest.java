package io.hostspec.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.hostspec.net.NetworkPlan.Member;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code vde_switch} on unix sockets only (no tap, no traffic): started, found by its socket, stopped by pid.
 * Skipped where vde2 is not installed.
 */
class VirtualLanTest {

    @TempDir
    Path run;

    private static boolean vdeInstalled() {
        return Files.isExecutable(Path.of("/usr/bin/vde_switch")) || Files.isExecutable(Path.of("/usr/sbin/vde_switch"));
    }

    @Test
    void startsWaitsForTheSocketAndStopsByPid() {
        assumeTrue(vdeInstalled(), "vde_switch not installed");
        NetworkPlan plan = NetworkPlan.of(List.of(Member.of("a", 1, 3), Member.of("b", 3)));
        long pid;
        try (VirtualNetwork network = VirtualNetwork.start(plan, run)) {
            assertEquals(2, network.lans().size());
            VirtualLan lan3 = network.lan(3);
            pid = lan3.pid();
            assertTrue(lan3.isRunning());
            assertTrue(Files.exists(lan3.controlDirectory().resolve("ctl")));
            assertEquals(run.resolve("vde-3"), lan3.controlDirectory());
            String macA1 = plan.host("a").nics().get(0).mac();
            String macA3 = plan.host("a").nics().get(1).mac();
            assertEquals(List.of(
                    "-netdev", "vde,id=lan1,sock=" + run.resolve("vde-1"),
                    "-device", "virtio-net-device,netdev=lan1,mac=" + macA1,
                    "-netdev", "vde,id=lan3,sock=" + run.resolve("vde-3"),
                    "-device", "virtio-net-device,netdev=lan3,mac=" + macA3), network.qemuArgs("a"));
            assertThrows(IllegalArgumentException.class, () -> lan3.qemuArgs(plan.host("a").nics().get(0)));
            assertThrows(IllegalArgumentException.class, () -> network.lan(2));
        }
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "vde_switch pid " + pid + " alive");
    }

    @Test
    void aSwitchThatCannotStartFailsWithItsLog() throws Exception {
        assumeTrue(vdeInstalled(), "vde_switch not installed");
        Path notADirectory = Files.writeString(run.resolve("file"), "x");
        NetworkException e = assertThrows(NetworkException.class, () -> VirtualLan.start(1, notADirectory));
        assertTrue(e.getMessage().contains("LAN 1"), e.getMessage());
    }
}
