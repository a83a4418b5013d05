package io.hostspec.generation;

import io.hostspec.module.ModuleSystem;
import io.hostspec.module.Provenance;
import io.hostspec.realize.Realization;
import io.hostspec.realize.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The switch plan between two realized recipes: unit classification, files, state, firewall, idempotence. */
class SwitchPlanTest {

    @TempDir
    Path root;

    private static final String SERVICES = """
            [systemd.services.keep]
            wantedBy = ["multi-user.target"]
            script = "exec sleep infinity"

            [systemd.services.change]
            wantedBy = ["multi-user.target"]
            script = "exec sleep 100"

            [systemd.services.gone]
            wantedBy = ["multi-user.target"]
            script = "exec sleep 200"
            """;

    private Recipe realize(String toml) throws IOException {
        Path f = root.resolve("vm-images/hosts/h.toml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, "\"networking.hostName\" = \"h\"\n" + toml);
        ModuleSystem ms = ModuleSystem.create(root, List.of(), Realization.builtIns());
        return Realization.realize(ms.evaluate(List.of(ms.load("hosts/h", new Provenance("test", 1)))));
    }

    @Test
    void theSameConfigurationGivesAnEmptyPlan() throws IOException {
        Recipe a = realize(SERVICES);
        Recipe b = realize(SERVICES);
        SwitchPlan plan = SwitchPlan.between(a, b);
        assertTrue(plan.isEmpty(), plan.toString());
        assertEquals(Set.of("change.service", "gone.service", "keep.service", "nftables.service"), plan.unchanged());
    }

    @Test
    void newUnitsStartChangedRestartRemovedStopUnchangedAreLeftAlone() throws IOException {
        Recipe a = realize(SERVICES);
        Recipe b = realize("""
                [systemd.services.keep]
                wantedBy = ["multi-user.target"]
                script = "exec sleep infinity"

                [systemd.services.change]
                wantedBy = ["multi-user.target"]
                script = "exec sleep 101"

                [systemd.services.fresh]
                wantedBy = ["multi-user.target"]
                script = "exec sleep 300"

                [systemd.services.idle]
                script = "exec sleep 400"
                """);
        SwitchPlan plan = SwitchPlan.between(a, b);
        assertEquals(Set.of("fresh.service"), plan.start(), "a new unit no target wants is not started");
        assertEquals(Set.of("change.service"), plan.restart(), "its script file changed");
        assertEquals(Set.of("gone.service"), plan.stop());
        assertEquals(Set.of("keep.service", "nftables.service"), plan.unchanged());
        assertTrue(plan.reload().isEmpty());
        assertTrue(plan.write().containsKey("/etc/hostspec/scripts/change.sh"));
        assertTrue(plan.write().containsKey("/etc/systemd/system/fresh.service"));
        assertTrue(plan.remove().contains("/etc/systemd/system/gone.service"));
        assertTrue(plan.remove().contains("/etc/hostspec/scripts/gone.sh"));
        assertTrue(plan.linksToRemove().contains("/etc/systemd/system/multi-user.target.wants/gone.service"));
        assertEquals("fresh.service",
                plan.linksToAdd().get("/etc/systemd/system/multi-user.target.wants/fresh.service"));
        assertFalse(plan.firewallChanged());
    }

    @Test
    void aUnitThatDeclaresReloadIsReloaded() throws IOException {
        Recipe a = realize(SERVICES);
        Recipe b = realize("\"systemd.services.change.reloadIfChanged\" = true\n"
                + SERVICES.replace("exec sleep 100", "exec sleep 102"));
        SwitchPlan plan = SwitchPlan.between(a, b);
        assertEquals(Set.of("change.service"), plan.reload());
        assertTrue(plan.restart().isEmpty());
    }

    @Test
    void aChangedConfigurationFileRestartsItsUnitAndStateIsNeverTouched() throws IOException {
        String redis = """
                "services.redis.servers.xo.enable" = true
                "services.redis.servers.xo.unixSocket" = "/run/redis-xo/redis.sock"
                """;
        Recipe a = realize(redis);
        Recipe b = realize(redis + "\"services.redis.servers.xo.port\" = 6380\n");
        SwitchPlan plan = SwitchPlan.between(a, b);
        assertEquals(Set.of("/etc/redis/redis-xo.conf"), plan.write().keySet());
        assertEquals(Set.of("redis-xo.service"), plan.restart());
        assertTrue(a.stateDirs().contains("/var/lib/redis-xo"));
        assertTrue(plan.write().keySet().stream().noneMatch(p -> p.startsWith("/var/lib/redis-xo")));
    }

    @Test
    void filesUnderAStateDirectoryAreLeftAloneAndListed() throws IOException {
        Recipe a = realize("[users.users.alice]\nisNormalUser = true\n");
        assertTrue(a.stateDirs().contains("/home/alice"), a.stateDirs().toString());
        TreeMap<String, Recipe.FileEntry> files = new TreeMap<>(a.files());
        files.put("/home/alice/notes", new Recipe.FileEntry("/home/alice/notes", "x", "0644", "root", "root"));
        Recipe b = new Recipe(a.hostName(), a.packages(), files, a.groups(), a.users(), a.units(), a.nftables(),
                a.sysctls(), a.kernelModules(), a.stateDirs(), a.hardware(), a.artifacts(), a.options());
        assertEquals(Set.of("/home/alice/notes"), SwitchPlan.between(a, b).untouchedState());
        assertTrue(SwitchPlan.between(a, b).write().isEmpty());
        assertTrue(SwitchPlan.between(b, a).remove().isEmpty(), "rolling back removes nothing under state");
    }

    @Test
    void anOpenedPortChangesTheFirewallAndActsOnNoUnit() throws IOException {
        Recipe a = realize(SERVICES);
        Recipe b = realize("\"networking.firewall.allowedTCPPorts\" = [8080]\n" + SERVICES);
        SwitchPlan plan = SwitchPlan.between(a, b);
        assertTrue(plan.firewallChanged());
        assertEquals(Set.of("/etc/nftables.conf"), plan.write().keySet());
        assertTrue(plan.start().isEmpty() && plan.restart().isEmpty() && plan.stop().isEmpty(), plan.toString());
        assertTrue(plan.unchanged().contains("nftables.service"), "the ruleset is reloaded, not the unit restarted");
    }

    @Test
    void packageChangesAreReported() throws IOException {
        Recipe a = realize("");
        Recipe b = realize("\"environment.systemPackages\" = [\"htop\"]\n");
        SwitchPlan plan = SwitchPlan.between(a, b);
        assertTrue(plan.changesPackages());
        assertEquals(Set.of("htop"), plan.packagesAdded());
    }

    @Test
    void newAccountsAreCreated() throws IOException {
        Recipe a = realize("");
        Recipe b = realize("[users.users.bob]\nisNormalUser = true\nextraGroups = [\"users\"]\n");
        SwitchPlan plan = SwitchPlan.between(a, b);
        assertEquals(List.of("bob"), plan.users().stream().map(Recipe.UserEntry::name).toList());
        assertTrue(SwitchPlan.between(b, a).users().isEmpty(), "accounts are never deleted");
    }
}
