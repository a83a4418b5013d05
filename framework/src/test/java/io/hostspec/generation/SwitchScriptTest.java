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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The activation script a plan renders to: order of phases, quoting, the durable record, state left alone. */
class SwitchScriptTest {

    private static Recipe recipe(Map<String, FileEntry> files, Map<String, UnitEntry> units, String nft) {
        return new Recipe("h", new TreeSet<>(), new TreeMap<>(files), new TreeMap<>(), new TreeMap<>(),
                new TreeMap<>(units), nft, new TreeMap<>(), new TreeSet<>(), new TreeSet<>(Set.of("/var/lib/db")),
                new Recipe.Hardware(512, 1, new TreeSet<>(Set.of(1))), new TreeMap<>(), new TreeMap<>());
    }

    private static UnitEntry unit(String name, String content) {
        return new UnitEntry(name, content, new TreeSet<>(Set.of("multi-user.target")), false);
    }

    @Test
    void stopsFirstRecordsBeforeActingAndStartsLast() {
        Recipe a = recipe(Map.of(), Map.of("old.service", unit("old.service", "[Service]\nExecStart=/bin/a\n"),
                "mid.service", unit("mid.service", "[Service]\nExecStart=/bin/m\n")), "table inet filter {}");
        Recipe b = recipe(Map.of("/etc/it's.conf", new FileEntry("/etc/it's.conf", "x=1\n", "0640", "root", "adm")),
                Map.of("new.service", unit("new.service", "[Service]\nExecStart=/bin/n\n"),
                        "mid.service", unit("mid.service", "[Service]\nExecStart=/bin/m2\n")),
                "table inet filter { }");
        String script = ActivationScript.render(SwitchPlan.between(a, b), 2, "switch", "hash2");
        int stop = script.indexOf("systemctl stop 'old.service'");
        int write = script.indexOf("base64 -d > '/etc/it'\\''s.conf.hostspec-new'");
        int record = script.indexOf("/var/lib/hostspec/generations/current.new");
        int firewall = script.indexOf("nft -f /etc/nftables.conf");
        int restart = script.indexOf("systemctl restart 'mid.service'");
        int start = script.indexOf("systemctl start 'new.service'");
        assertTrue(stop > 0 && write > stop && record > write && firewall > record && restart > firewall
                && start > restart, script);
        assertTrue(script.contains("chmod 0640") && script.contains("'root:adm'"), script);
        assertTrue(script.contains("rm -f '/etc/systemd/system/old.service'"), script);
        assertTrue(script.contains("systemctl daemon-reload"), script);
        assertFalse(script.contains("/var/lib/db"), "a state directory is never named");
        assertEquals(1, script.lines().filter(l -> l.startsWith("printf '%s\\t%s\\t%s\\t%s\\n' 2")).count(), script);
    }

    @Test
    void anEmptyPlanOnlyRecords() {
        Recipe a = recipe(Map.of(), Map.of("x.service", unit("x.service", "[Service]\n")), "");
        String script = ActivationScript.render(SwitchPlan.between(a, a), 3, "rollback", "h");
        assertFalse(script.contains("daemon-reload"), "no unit file changed");
        assertFalse(script.contains("systemctl start") || script.contains("systemctl restart")
                || script.contains("systemctl stop") || script.contains("nft -f"), script);
        assertTrue(List.of(script.split("\n")).contains("echo 3 > /var/lib/hostspec/generations/current.new && mv -f "
                + "/var/lib/hostspec/generations/current.new /var/lib/hostspec/generations/current"), script);
    }
}
