package io.hostspec.cli;

import io.hostspec.image.ImageCache;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CacheCommandTest {

    @TempDir
    Path cache;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        System.setProperty(ImageCache.PROPERTY, cache.toString());
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @AfterEach
    void clear() {
        System.clearProperty(ImageCache.PROPERTY);
    }

    @Test
    void pruneRemovesAnImageUnusedForTheGivenAgeAndSaysWhat() throws Exception {
        Path old = Files.createDirectories(cache.resolve("images/0123456789abcdef"));
        Files.writeString(old.resolve("disk.qcow2"), "x".repeat(10_000));
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofDays(3))));

        assertEquals(0, run("cache"), err.toString());
        assertTrue(out.toString().contains("images          1 entries"), out.toString());

        assertEquals(0, run("cache", "prune", "--older-than", "2d"), err.toString());
        assertTrue(out.toString().contains("removed image 0123456789ab"), out.toString());
        assertFalse(Files.exists(old));
    }

    @Test
    void aBadAgeIsAUsageErrorNamingTheOption() {
        assertEquals(Main.USAGE, run("cache", "prune", "--older-than", "two weeks"));
        assertTrue(err.toString().contains("--older-than takes days or hours"), err.toString());
    }
}
