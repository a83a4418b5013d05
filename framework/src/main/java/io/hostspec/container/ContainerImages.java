package io.hostspec.container;

import com.github.dockerjava.api.exception.NotFoundException;
import io.hostspec.image.BuiltImage;
import io.hostspec.machine.LogSection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The realized images of hosts as images of the local Docker engine: the root file system of the same cached image a
 * VM boots (same recipe, same rootfs), imported once ({@code docker import}: no registry, nothing pulled) and named by
 * the image hash, {@code hostspec-rootfs:<hash>}. An image already in the engine is used as it is.
 */
public final class ContainerImages {

    /** The repository of imported images. */
    public static final String REPOSITORY = "hostspec-rootfs";
    /** How long converting, mounting and importing one image may take. */
    public static final Duration IMPORT = Duration.ofMinutes(10);

    private static final ConcurrentHashMap<String, Object> LOCKS = new ConcurrentHashMap<>();

    private ContainerImages() {
    }

    /**
     * @param image a built image
     * @return the engine's name of its rootfs, {@code hostspec-rootfs:<hash>}
     */
    public static String nameOf(BuiltImage image) {
        return REPOSITORY + ":" + image.hash();
    }

    /**
     * Imports the image's root file system into the engine unless it is there.
     *
     * @param engine the engine
     * @param host   the host, for log sections and messages
     * @param image  the built image
     * @return the engine's image name
     * @throws IllegalStateException with the failing tool's output when the import fails
     */
    public static String ensure(ContainerEngine engine, String host, BuiltImage image) {
        String name = nameOf(image);
        synchronized (LOCKS.computeIfAbsent(name, n -> new Object())) {
            if (present(engine, name)) {
                return name;
            }
            try (LogSection section = LogSection.open(host, "import image " + image.hash().substring(0, 12)
                    + " into Docker")) {
                try {
                    importRootfs(engine, image);
                } catch (IOException | RuntimeException e) {
                    throw section.failed(new IllegalStateException("[" + host + "] cannot import " + image.disk()
                            + " into Docker as " + name + ": " + e.getMessage(), e));
                }
            }
            return name;
        }
    }

    static boolean present(ContainerEngine engine, String name) {
        try {
            engine.client().inspectImageCmd(name).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    // qcow2 -> raw -> read-only loop mount -> tar stream -> docker import.
    private static void importRootfs(ContainerEngine engine, BuiltImage image) throws IOException {
        Path work = Files.createTempDirectory("hostspec-import-");
        Path raw = work.resolve("disk.raw");
        Path mount = Files.createDirectory(work.resolve("root"));
        try {
            run(List.of("qemu-img", "convert", "-O", "raw", image.disk().toString(), raw.toString()));
            run(List.of("mount", "-o", "loop,ro", raw.toString(), mount.toString()));
            try {
                // the docker command line streams the tar to the engine; the tar keeps owners and file capabilities
                run(List.of("bash", "-o", "pipefail", "-c", "tar -C \"$1\" --numeric-owner --xattrs -cf - . "
                        + "| docker import - \"$2\" >/dev/null", "import", mount.toString(), nameOf(image)));
            } finally {
                run(List.of("umount", mount.toString()));
            }
        } finally {
            Files.deleteIfExists(raw);
            Files.deleteIfExists(mount);
            Files.deleteIfExists(work);
        }
    }

    private static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        waitFor(p, String.join(" ", command) + (output.isEmpty() ? "" : ": " + output));
    }

    private static void waitFor(Process p, String what) throws IOException {
        try {
            if (!p.waitFor(IMPORT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException(what + " did not finish within " + IMPORT);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + what, e);
        }
        if (p.exitValue() != 0) {
            throw new IOException(what + " failed with exit code " + p.exitValue());
        }
    }
}
