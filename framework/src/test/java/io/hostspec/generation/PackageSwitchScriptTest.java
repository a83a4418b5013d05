package io.hostspec.generation;

import io.hostspec.realize.Recipe;
import io.hostspec.realize.Recipe.FileEntry;
import io.hostspec.realize.Recipe.UnitEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The package part of an activation script and what a package delta leaves alone. */
class PackageSwitchScriptTest {

    private static Recipe recipe(Set<String> packages, Map<String, FileEntry> files, Map<String, UnitEntry> units) {
        return new Recipe("h", new TreeSet<>(packages), new TreeMap<>(files), new TreeMap<>(), new TreeMap<>(),
                new TreeMap<>(units), "", new TreeMap<>(), new TreeSet<>(), new TreeSet<>(Set.of("/var/lib/db")),
                new Recipe.Hardware(512, 1, new TreeSet<>(Set.of(1))), new TreeMap<>(), new TreeMap<>());
    }

    @Test
    void unpacksRemovesMergesAccountsAndRunsLdconfigBeforeTheRecipeFiles() {
        Recipe a = recipe(Set.of(), Map.of(), Map.of());
        Recipe b = recipe(Set.of("jq"), Map.of("/etc/x.conf", new FileEntry("/etc/x.conf", "x\n", "0644", "root",
                "root")), Map.of());
        BaseLayerDelta delta = new BaseLayerDelta(List.of("/usr/bin/jq", "/lib/systemd/system/jqd.service"),
                new TreeSet<>(Set.of("/usr/bin/old", "/usr/share/old")),
                new TreeMap<>(Map.of("/etc/passwd", List.of("jqd:x:101:101::/:/usr/sbin/nologin"))), 4096);
        String script = ActivationScript.render(SwitchPlan.between(a, b), 2, "switch", "h2", List.of(), delta,
                "/run/hostspec/gen-2.tar");
        int untar = script.indexOf("-f '/run/hostspec/gen-2.tar' -C /");
        int files = script.indexOf("rm -f \"$p\"");
        int dirs = script.indexOf("rmdir \"$p\"");
        int account = script.indexOf("grep -q '^jqd:' '/etc/passwd' || printf");
        int ldconfig = script.indexOf("ldconfig");
        int write = script.indexOf("base64 -d > '/etc/x.conf.hostspec-new'");
        assertTrue(untar > 0 && files > untar && dirs > files && account > dirs && ldconfig > account
                && write > ldconfig, script);
        assertTrue(script.contains("/usr/share/old\n"), script);
        assertTrue(script.contains("systemctl daemon-reload"), "a package unit file changed");
    }

    @Test
    void noDeltaNoPackageStep() {
        Recipe a = recipe(Set.of(), Map.of(), Map.of());
        String script = ActivationScript.render(SwitchPlan.between(a, a), 2, "switch", "h2");
        assertFalse(script.contains("tar -x") || script.contains("ldconfig"), script);
    }

    @Test
    void theDeltaLeavesStateIdentityAndRecipeFilesAloneButNotDpkgState() {
        Recipe a = recipe(Set.of(), Map.of("/etc/redis/r.conf", new FileEntry("/etc/redis/r.conf", "a", "0644",
                "root", "root")), Map.of());
        Recipe b = recipe(Set.of("jq"), Map.of(), Map.of("u.service", new UnitEntry("u.service", "[Service]\n",
                new TreeSet<>(Set.of("multi-user.target")), false)));
        Predicate<String> excluded = PackageDeltaTransfer.deltaExclusions(a, b);
        for (String p : List.of("/var/lib/db", "/var/lib/db/dump.rdb", "/etc/hostname", "/etc/hosts",
                "/etc/redis/r.conf", "/etc/systemd/system/u.service",
                "/etc/systemd/system/multi-user.target.wants/u.service", "/boot/initrd.img-6.1",
                "/etc/ld.so.cache", "/var/log/dpkg.log")) {
            assertTrue(excluded.test(p), p);
        }
        for (String p : List.of("/usr/bin/jq", "/var/lib/dpkg/status", "/var/lib/dpkg/info/jq.list",
                "/etc/redis", "/lib/systemd/system/jqd.service")) {
            assertFalse(excluded.test(p), p);
        }
    }
}
