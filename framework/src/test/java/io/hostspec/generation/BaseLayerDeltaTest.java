package io.hostspec.generation;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BaseLayerDeltaTest {

    @TempDir
    Path tmp;

    private Path tree(String name, Map<String, String> files) throws IOException {
        Path root = tmp.resolve(name);
        Files.createDirectories(root);
        for (var f : files.entrySet()) {
            Path p = root.resolve(f.getKey());
            Files.createDirectories(p.getParent());
            Files.writeString(p, f.getValue());
        }
        return root;
    }

    private Path tar(Path root, String format) throws IOException, InterruptedException {
        Path out = tmp.resolve(root.getFileName() + "-" + format + ".tar");
        Process p = new ProcessBuilder("tar", "--create", "--format=" + format, "--sort=name", "--numeric-owner",
                "--owner=0", "--group=0", "--file", out.toString(), "--directory", root.toString(), ".")
                .inheritIO().start();
        assertEquals(0, p.waitFor());
        return out;
    }

    private List<String> list(Path tar) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tar", "--list", "--file", tar.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        return out.lines().toList();
    }

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "pax"})
    void copiesAddedAndChangedEntriesAndListsRemovedOnes(String format) throws Exception {
        String longDir = "usr/share/" + "d".repeat(120);
        Path old = tree("old", Map.of("usr/bin/same", "same", "usr/bin/changed", "v1", "usr/bin/gone", "x",
                "usr/lib/gonedir/f", "y", "etc/passwd", "root:x:0:0::/root:/bin/sh\n",
                "var/lib/dpkg/status", "Package: a\n", "etc/hostname", "old\n", "etc/empty", ""));
        Path neu = tree("new", Map.of("usr/bin/same", "same", "usr/bin/changed", "v2", "usr/bin/jq", "jq",
                longDir + "/doc", "long", "etc/passwd", "root:x:0:0::/root:/bin/sh\njqd:x:100:100::/:/bin/false\n",
                "var/lib/dpkg/status", "Package: a\n\nPackage: jq\n", "etc/hostname", "new\n", "etc/empty", ""));
        Files.setPosixFilePermissions(neu.resolve("usr/bin/jq"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path out = tmp.resolve("delta-" + format + ".tar");

        BaseLayerDelta d = BaseLayerDelta.compute(tar(old, format), tar(neu, format),
                p -> p.equals("/etc/hostname"), out);

        assertEquals(List.of("/usr/bin/changed", "/usr/bin/jq", "/usr/share", "/usr/share/" + "d".repeat(120),
                "/usr/share/" + "d".repeat(120) + "/doc", "/var/lib/dpkg/status"),
                d.changed().stream().sorted().toList());
        // /usr/lib is gone too: the new tree has no file under it
        assertEquals(List.of("/usr/bin/gone", "/usr/lib", "/usr/lib/gonedir", "/usr/lib/gonedir/f"), List.copyOf(d.removed()));
        assertEquals(Map.of("/etc/passwd", List.of("jqd:x:100:100::/:/bin/false")), d.accountLines());
        assertEquals(Files.size(out), d.tarBytes());
        // a valid archive GNU tar reads back, with the long name and the mode intact
        List<String> members = list(out);
        assertTrue(members.contains("./usr/bin/jq"), members.toString());
        assertTrue(members.contains("./" + longDir + "/doc"), members.toString());
        Path x = tmp.resolve("x-" + format);
        Files.createDirectories(x);
        Process p = new ProcessBuilder("tar", "-x", "-f", out.toString(), "-C", x.toString()).inheritIO().start();
        assertEquals(0, p.waitFor());
        assertEquals("jq", Files.readString(x.resolve("usr/bin/jq")));
        assertTrue(Files.isExecutable(x.resolve("usr/bin/jq")));
        assertEquals("long", Files.readString(x.resolve(longDir + "/doc")));
    }

    @Test
    void identicalLayersGiveAnEmptyDelta() throws Exception {
        Path a = tree("a", Map.of("usr/bin/same", "same", "etc/group", "root:x:0:\n"));
        Path t = tar(a, "gnu");
        BaseLayerDelta d = BaseLayerDelta.compute(t, t, p -> false, tmp.resolve("d.tar"));
        assertTrue(d.isEmpty(), d.toString());
        assertEquals(1024, d.tarBytes());
    }

    @Test
    void pathsAreGuestPaths() {
        assertEquals("/usr/bin/jq", BaseLayerDelta.guestPath("./usr/bin/jq"));
        assertEquals("/dev", BaseLayerDelta.guestPath("./dev/"));
        assertEquals("", BaseLayerDelta.guestPath("./"));
    }
}
