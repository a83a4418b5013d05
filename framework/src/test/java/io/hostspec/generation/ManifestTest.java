package io.hostspec.generation;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The manifest protocol both ways: the rendered command runs in a local {@code sh} on files in a temporary directory,
 * with stub {@code getent}, {@code id}, {@code systemctl}, {@code nft} and {@code sysctl} (nothing of this host is
 * read), and its output parses into the facts; two manifests diff fact by fact.
 */
class ManifestTest {

    @TempDir
    Path dir;

    private void stub(String name, String body) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = bin.resolve(name);
        Files.writeString(tool, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private String run(String script) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script);
        pb.environment().put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        return out;
    }

    @Test
    void collectsFilesLinksAccountsUnitsRulesetAndSysctls() throws Exception {
        Path conf = Files.writeString(dir.resolve("x.conf"), "x=1\n");
        Files.setPosixFilePermissions(conf, PosixFilePermissions.fromString("rw-r-----"));
        Path link = Files.createSymbolicLink(dir.resolve("x.link"), Path.of("/lib/systemd/system/x.service"));
        stub("getent", "case \"$1 $2\" in 'passwd app') echo 'app:x:999:950::/var/empty:/usr/sbin/nologin';; "
                + "'group web') echo 'web:x:950:';; *) exit 2;; esac");
        stub("id", "case \"$1\" in -gn) echo web;; -Gn) echo 'web adm';; esac");
        stub("systemctl", "printf 'enabled\\nactive\\n'");
        stub("nft", "printf 'table inet filter {\\n}\\n'");
        stub("sysctl", "echo 1");
        Manifest.Scope scope = new Manifest.Scope(new TreeSet<>(Set.of(conf.toString(), link.toString(),
                dir.resolve("gone").toString())), new TreeSet<>(Set.of("app")), new TreeSet<>(Set.of("web", "old")),
                new TreeSet<>(Set.of("x.service")), new TreeSet<>(Set.of("net.ipv4.ip_forward")));
        Manifest m = Manifest.parse(run(Manifest.command(scope)));
        String owner = Files.getOwner(conf).getName() + ":" + Files.readAttributes(conf,
                java.nio.file.attribute.PosixFileAttributes.class).group().getName();
        Map<String, String> expected = new TreeMap<>(Map.of(
                "file " + conf, "640 " + owner + " b3a1f5c2d0d8f5d5b1c0c9bd4c1f0b3e14f1b2c1b4b8a4b6b8d6e8a0d0e7f0a1",
                "file " + link, "link /lib/systemd/system/x.service",
                "file " + dir.resolve("gone"), "absent",
                "user app", "999 web /var/empty /usr/sbin/nologin groups=adm,web,",
                "group web", "950",
                "group old", "absent",
                "unit x.service", "enabled active",
                "ruleset -", "table inet filter {\n}",
                "sysctl net.ipv4.ip_forward", "1"));
        String sha = m.facts().get("file " + conf).substring(("640 " + owner + " ").length());
        assertEquals(64, sha.length(), m.facts().toString());
        expected.put("file " + conf, "640 " + owner + " " + sha);
        assertEquals(expected, m.facts());
    }

    @Test
    void aDifferenceIsListedFactByFact() {
        Manifest switched = new Manifest(new TreeMap<>(Map.of("group web", "900", "unit x.service", "enabled active")));
        Manifest fresh = new Manifest(new TreeMap<>(Map.of("group web", "950", "unit x.service", "enabled active")));
        assertEquals(List.of("- group web: 900", "+ group web: 950"), switched.diff(fresh));
        assertEquals(List.of(), fresh.diff(fresh));
    }
}
