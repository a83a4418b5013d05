package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.ConfigException;
import io.hostspec.module.ModuleSystem;
import io.hostspec.module.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code systemd.timers.<name>} and {@code virtualisation.notApplicable} on small hosts. */
class TimerAndNotApplicableTest {

    @TempDir
    Path root;

    private Config evaluate(String host) throws IOException {
        Path f = root.resolve("vm-images/hosts/h.toml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, host);
        ModuleSystem ms = ModuleSystem.create(root, List.of(), Realization.builtIns());
        return ms.evaluate(List.of(ms.load("hosts/h", new Provenance("test", 1))));
    }

    private Recipe realize(String host) throws IOException {
        return Realization.realize(evaluate(host));
    }

    @Test
    void aTimerBecomesATimerUnitWantedByItsTargets() throws IOException {
        Recipe r = realize("""
                [systemd.services.backup.serviceConfig]
                Type = "oneshot"
                ExecStart = "/bin/true"

                [systemd.timers.backup]
                description = "Nightly backup"
                wantedBy = ["timers.target"]
                timerConfig = { OnCalendar = "daily", Persistent = true, RandomizedDelaySec = "15min" }
                """);
        assertEquals("""
                [Unit]
                Description=Nightly backup

                [Timer]
                OnCalendar=daily
                Persistent=true
                RandomizedDelaySec=15min

                [Install]
                WantedBy=timers.target
                """, r.units().get("backup.timer").content());
        assertEquals(Set.of("timers.target"), r.units().get("backup.timer").wantedBy());
        assertTrue(r.artifacts().get("unit:backup.timer").contains("systemd.timers.backup.timerConfig"));
        assertFalse(realize("[systemd.timers.backup]\nenable = false\ntimerConfig.OnCalendar = \"daily\"\n")
                .units().containsKey("backup.timer"));
    }

    @Test
    void aTimerThatNeverFiresIsRejectedWithItsDefinition() {
        ConfigException e = assertThrows(ConfigException.class, () -> realize("""
                [systemd.timers.backup]
                wantedBy = ["timers.target"]
                timerConfig = { Persistent = true }
                """));
        assertTrue(e.getMessage().contains("The timer `backup' has no On...= key"), e.getMessage());
        assertTrue(e.getMessage().contains("vm-images/hosts/h.toml:3"), e.getMessage());
    }

    @Test
    void notApplicableNamesOptionsAndGroupsOfTheHost() throws IOException {
        Recipe r = realize("""
                [virtualisation.notApplicable]
                "virtualisation.memorySize" = "no memory limit"
                "networking.firewall" = "the engine owns the network"
                'environment.etc."wsl.conf"' = "read by WSL's init"
                "systemd.services" = "a group of submodules"
                """);
        assertEquals(1024, r.hardware().memoryMiB());
        // the declaration produces no artifact: hosts that use it keep their image hash
        assertTrue(r.artifactIds().stream().noneMatch(a -> a.contains("notApplicable")), r.artifactIds().toString());
        assertEquals(realize("").imageHash(), realize("""
                "virtualisation.notApplicable"."virtualisation.cores" = "no CPU limit"
                """).imageHash());
    }

    @Test
    void notApplicableRejectsWhatIsNotAnOptionWithItsDefinition() {
        ConfigException e = assertThrows(ConfigException.class, () -> realize("""
                [virtualisation.notApplicable]
                "virtualisation.memorySise" = "a typo must not pass as a reported reason"
                """));
        assertTrue(e.getMessage().contains("virtualisation.notApplicable names `virtualisation.memorySise', which is "
                + "not an option of this host"), e.getMessage());
        assertTrue(e.getMessage().contains("`virtualisation.notApplicable' is defined at vm-images/hosts/h.toml:1"),
                e.getMessage());
    }
}
