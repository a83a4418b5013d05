package io.hostspec.image;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Two JVMs share one cache: the second waits for the first's build and reuses it. */
class ImageCacheProcessLockTest {

    static final String HASH = "feedfacecafe";

    @TempDir
    Path root;

    @Test
    void secondProcessWaitsAndReuses() throws Exception {
        Path started = root.resolve("child-started");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                ImageCacheProcessLockTest.class.getName() + "$Child", root.toString(), started.toString())
                .redirectErrorStream(true).redirectOutput(root.resolve("child.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!Files.exists(started)) {
                if (System.nanoTime() > deadline || !child.isAlive()) {
                    fail("child never started building: " + Files.readString(root.resolve("child.log")));
                }
                Thread.onSpinWait();
                Thread.sleep(10);
            }
            long t0 = System.nanoTime();
            BuiltImage image = ImageCache.at(root.resolve("cache")).image(HASH,
                    dir -> fail("the second process must reuse the first one's build"));
            long waitedMillis = (System.nanoTime() - t0) / 1_000_000;

            assertEquals("built by child", Files.readString(image.disk()));
            assertTrue(waitedMillis >= 300, "should have waited for the lock, waited " + waitedMillis + " ms");
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
            assertEquals(0, child.exitValue(), Files.readString(root.resolve("child.log")));
        } finally {
            child.destroyForcibly();
        }
    }

    /** The other JVM: builds slowly, announcing when it holds the lock. */
    public static final class Child {
        public static void main(String[] args) {
            Path root = Path.of(args[0]);
            Path started = Path.of(args[1]);
            ImageCache.at(root.resolve("cache")).image(HASH, dir -> {
                Files.writeString(started, "");
                Thread.sleep(800);
                Files.writeString(dir.resolve(ImageCache.DISK), "built by child");
                for (String f : List.of(ImageCache.KERNEL, ImageCache.INITRD)) {
                    Files.writeString(dir.resolve(f), f);
                }
            });
        }
    }
}
