package io.hostspec.image;

import io.hostspec.image.internal.Exec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Cache faults with real file systems and real processes: a full disk while an entry is produced, and two JVMs asking
 * for the same entry at once (what two {@code ./hostspec run} on one cache do).
 */
class CacheFaultsTest {

    private static final String HASH = "fedcba9876543210";

    @TempDir
    Path dir;

    private Path mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            Exec.run(List.of("umount", mounted.toString()), Map.of(), Duration.ofSeconds(30));
        }
    }

    @Test
    void aFullDiskFailsClearlyAndPublishesNothing() throws Exception {
        assumeTrue(HostTools.isRoot(), "mounting a small tmpfs as the cache needs root");
        Path root = Files.createDirectories(dir.resolve("small"));
        Exec.Result mount = Exec.run(List.of("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", root.toString()),
                Map.of(), Duration.ofSeconds(30));
        assumeTrue(mount.ok(), "cannot mount a tmpfs here: " + mount.stderrTail(5));
        mounted = root;
        ImageCache cache = ImageCache.at(root);

        RuntimeException e = assertThrows(RuntimeException.class, () -> cache.image(HASH, d -> {
            Files.write(d.resolve(ImageCache.DISK), new byte[4 << 20]); // 4 MiB into 1 MiB
            Files.writeString(d.resolve(ImageCache.KERNEL), "kernel");
            Files.writeString(d.resolve(ImageCache.INITRD), "initrd");
        }));
        String message = String.valueOf(e.getMessage());
        assertTrue(message.contains("No space left on device"), message);
        assertTrue(message.contains(root.toString()), "the message should name the cache: " + message);

        assertTrue(cache.findImage(HASH).isEmpty(), "a partial entry became visible");
        try (Stream<Path> files = Files.walk(root)) {
            List<Path> left = files.filter(Files::isRegularFile)
                    .filter(p -> !p.getFileName().toString().endsWith(".lock")).toList();
            assertEquals(List.of(), left, "files of the failed build were left behind");
        }
        // with room again, the same entry builds
        BuiltImage image = cache.image(HASH, d -> {
            Files.writeString(d.resolve(ImageCache.DISK), "small disk");
            Files.writeString(d.resolve(ImageCache.KERNEL), "kernel");
            Files.writeString(d.resolve(ImageCache.INITRD), "initrd");
        });
        assertEquals("small disk", Files.readString(image.disk()));
    }

    /** A child JVM: asks the cache at args[0] for the entry, producing it slowly and logging each production. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        BuiltImage image = ImageCache.at(root).image(HASH, d -> {
            Files.writeString(root.resolve("productions.log"), ProcessHandle.current().pid() + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            Thread.sleep(2000); // long enough for the other JVM to arrive while this one holds the entry's lock
            Files.writeString(d.resolve(ImageCache.DISK), "disk of " + ProcessHandle.current().pid());
            Files.writeString(d.resolve(ImageCache.KERNEL), "kernel");
            Files.writeString(d.resolve(ImageCache.INITRD), "initrd");
        });
        System.out.println("DISK " + Files.readString(image.disk()));
    }

    @Test
    void twoJvmsAskingAtOnceProduceTheEntryOnceAndBothGetIt() throws Exception {
        Path root = Files.createDirectories(dir.resolve("shared"));
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        List<Process> children = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            children.add(new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"),
                    CacheFaultsTest.class.getName(), root.toString()).redirectErrorStream(true).start());
        }
        List<String> disks = new ArrayList<>();
        for (Process child : children) {
            String out = new String(child.getInputStream().readAllBytes());
            assertTrue(child.waitFor(2, java.util.concurrent.TimeUnit.MINUTES), "child did not finish");
            assertEquals(0, child.exitValue(), out);
            disks.add(out.lines().filter(l -> l.startsWith("DISK ")).findFirst().orElse("no DISK line in: " + out));
        }
        List<String> productions = Files.readAllLines(root.resolve("productions.log"));
        assertEquals(1, productions.size(), "the entry was produced more than once: " + productions);
        assertEquals(disks.get(0), disks.get(1), "the two JVMs got different entries");
    }
}
