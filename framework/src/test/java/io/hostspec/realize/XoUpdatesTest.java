package io.hostspec.realize;

import io.hostspec.module.ConfigException;
import io.hostspec.module.ModuleSystem;
import io.hostspec.module.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The appliance's updates (vm-images/modules/xo/updates.toml) and its release source (xo/releases.nix), realized. */
class XoUpdatesTest {

    @TempDir
    Path extra;

    private Recipe realize(String host) throws IOException {
        Files.writeString(extra.resolve("appliance.toml"), host);
        ModuleSystem ms = ModuleSystem.create(XoaGoldenTest.projectRoot(), List.of(extra), Realization.builtIns());
        return Realization.realize(ms.evaluate(List.of(ms.load("appliance", new Provenance("XoUpdatesTest", 1)))));
    }

    private static final String APPLIANCE = """
            imports = ["core/base", "xo/xoa", "xo/updates", "xo/releases"]
            "nixoa.xo.enable" = true
            "nixoa.updates.enable" = true
            "nixoa.updates.release" = "5.1.0"
            "nixoa.releases.enable" = true
            "nixoa.releases.versions" = ["5.1.0", "5.2.0"]
            "nixoa.releases.broken" = ["5.2.0"]
            """;

    @Test
    void aTimerRunsTheUpdateUnitOnTheSchedule() throws IOException {
        Recipe r = realize(APPLIANCE + "\"nixoa.updates.schedule\" = \"Sun 03:00\"\n");
        String timer = r.units().get("xoa-xo-update.timer").content();
        assertTrue(timer.contains("OnCalendar=Sun 03:00\n"), timer);
        assertTrue(timer.contains("Persistent=true\n"), timer);
        assertTrue(r.units().get("xoa-xo-update.timer").wantedBy().contains("timers.target"));
        String service = r.units().get("xoa-xo-update.service").content();
        assertTrue(service.contains("Type=oneshot\n") && service.contains("ExecStart=/etc/xoa-updates/xo-release "
                + "update\n"), service);
        // only the timer starts it
        assertTrue(r.units().get("xoa-xo-update.service").wantedBy().isEmpty());
    }

    @Test
    void xoServerPlaysTheCurrentReleaseAndAppliesThePinBeforeItStarts() throws IOException {
        Recipe r = realize(APPLIANCE);
        String unit = r.units().get("xo-server.service").content();
        assertTrue(unit.contains("ExecStartPre=+/usr/bin/install -d -o xo -g xo /var/lib/xo-server\n"), unit);
        assertTrue(unit.contains("ExecStartPre=+/etc/xoa-updates/xo-release apply\n"), unit);
        assertTrue(unit.contains("ExecStart=/usr/bin/python3 /etc/xo-server/standin.py "
                + "/etc/xo-server/config.nixoa.toml /opt/xo/current\n"), unit);
        assertTrue(unit.contains("After=network.target redis-xo.service xo-releases.service\n"), unit);
        // the pin is a file of xo-server's, so a switch that changes it restarts xo-server
        assertEquals("5.1.0", r.files().get("/etc/xo-server/release").content());
        assertEquals("0755", r.files().get("/etc/xoa-updates/xo-release").mode());
        String script = r.files().get("/etc/xoa-updates/xo-release").content();
        assertTrue(script.contains("log \"ROLLBACK: release $latest failed its health check; going back to release "
                + "$was\""), script);
        assertFalse(script.contains("$${"), "an escaped interpolation reached the script");
    }

    @Test
    void theSourcePublishesTheOfferAsJson() throws IOException {
        Recipe r = realize(APPLIANCE);
        assertEquals("{\"broken\":[\"5.2.0\"],\"directory\":\"/srv/xo-releases\",\"latest\":\"\",\"versions\":"
                + "[\"5.1.0\",\"5.2.0\"]}", r.files().get("/etc/xo-releases/offer.json").content());
        assertTrue(r.units().get("xo-releases.service").content().contains("Before=xo-server.service\n"));
    }

    @Test
    void anApplianceWithoutUpdatesIsUnchanged() throws IOException {
        Recipe r = realize("imports = [\"core/base\", \"xo/xoa\", \"xo/updates\"]\n\"nixoa.xo.enable\" = true\n");
        assertFalse(r.units().containsKey("xoa-xo-update.timer"));
        assertTrue(r.units().get("xo-server.service").content().contains("ExecStart=/usr/bin/python3 "
                + "/etc/xo-server/standin.py /etc/xo-server/config.nixoa.toml\n"));
    }

    @Test
    void updatesNeedAPinnedRelease() {
        ConfigException e = assertThrows(ConfigException.class, () -> realize(
                "imports = [\"core/base\", \"xo/xoa\", \"xo/updates\"]\n\"nixoa.xo.enable\" = true\n"
                        + "\"nixoa.updates.enable\" = true\n"));
        assertTrue(e.getMessage().contains("nixoa.updates.release"), e.getMessage());
    }
}
