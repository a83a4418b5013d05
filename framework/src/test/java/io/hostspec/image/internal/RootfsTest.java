package io.hostspec.image.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RootfsTest {

    @TempDir
    Path dir;

    @Test
    void absoluteLinksStayInsideTheRoot() throws Exception {
        Files.createDirectories(dir.resolve("run"));
        Files.createDirectories(dir.resolve("var"));
        Files.createSymbolicLink(dir.resolve("var/run"), Path.of("/run"));
        Rootfs rootfs = new Rootfs(dir);

        assertEquals(dir.resolve("run/x.pid"), rootfs.resolve("/var/run/x.pid", true));
        rootfs.write("/var/run/x.pid", "1", 0644, 0, 0);
        assertTrue(Files.isRegularFile(dir.resolve("run/x.pid")));
        assertEquals(dir.resolve("etc"), rootfs.resolve("/../../etc", true));
    }

    @Test
    void linkLoopsAndRelativePathsAreRejected() throws Exception {
        Files.createSymbolicLink(dir.resolve("a"), Path.of("/b"));
        Files.createSymbolicLink(dir.resolve("b"), Path.of("/a"));
        Rootfs rootfs = new Rootfs(dir);
        assertThrows(IllegalArgumentException.class, () -> rootfs.resolve("/a/x", true));
        assertThrows(IllegalArgumentException.class, () -> rootfs.resolve("etc/x", true));
    }
}
