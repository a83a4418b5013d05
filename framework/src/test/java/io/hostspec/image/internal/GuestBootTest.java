package io.hostspec.image.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GuestBootTest {

    @TempDir
    Path dir;

    @Test
    void unitsAndGeneratorsATestHostDoesNotNeedAreMasked() throws IOException {
        GuestBoot.apply(new Rootfs(dir), Set.of());
        for (String unit : GuestBoot.MASKED_UNITS) {
            assertEquals(Path.of("/dev/null"), Files.readSymbolicLink(dir.resolve("etc/systemd/system/" + unit)), unit);
        }
        for (String generator : GuestBoot.MASKED_GENERATORS) {
            assertEquals(Path.of("/dev/null"),
                    Files.readSymbolicLink(dir.resolve("etc/systemd/system-generators/" + generator)), generator);
        }
        assertTrue(GuestBoot.MASKED_UNITS.contains("apt-daily.timer"), "no apt run in the middle of a test");
    }

    @Test
    void aUnitTheRecipeInstallsOrEnablesIsNeverMasked() throws IOException {
        GuestBoot.apply(new Rootfs(dir), Set.of("fstrim.timer"));
        assertFalse(Files.exists(dir.resolve("etc/systemd/system/fstrim.timer"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.isSymbolicLink(dir.resolve("etc/systemd/system/apt-daily.timer")));
    }

    @Test
    void theUnitsTheGuestAgentAndTheRecipeNeedStayUnmasked() {
        for (String needed : new String[] {"systemd-udevd.service", "systemd-udev-trigger.service",
                "systemd-journald.service", "systemd-tmpfiles-setup.service", "systemd-sysctl.service",
                "systemd-modules-load.service", "kmod-static-nodes.service", "dev-mqueue.mount"}) {
            assertFalse(GuestBoot.MASKED_UNITS.contains(needed), needed);
        }
    }

    @Test
    void theInitramfsLoadsTheRootDiskDriversOnly() {
        assertTrue(GuestBoot.SETUP_HOOK.contains("MODULES=list"));
        assertTrue(GuestBoot.SETUP_HOOK.contains("virtio_mmio\\nvirtio_blk"));
    }
}
