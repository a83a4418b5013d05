package io.hostspec.machine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The disk files of QEMU machines: copy-on-write overlays over a base image, and sparse snapshot RAM files. */
final class Overlays {

    private static final Logger LOG = LoggerFactory.getLogger(Overlays.class);

    private Overlays() {
    }

    /**
     * Creates a qcow2 overlay backed by {@code backing}, unless one exists and {@code force} is false.
     *
     * @throws MachineException when the base image is missing
     * @throws IOException      when qemu-img fails or does not finish within {@link Timeouts#OVERLAY}
     */
    static void create(String host, Path target, Path backing, boolean force) throws IOException {
        if (Files.exists(target) && !force) {
            return;
        }
        Path base = backing.toAbsolutePath();
        if (!Files.isRegularFile(base)) {
            throw new MachineException(host, "[" + host + "] base image " + base + " does not exist", null, null);
        }
        Process qemuImg = new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", "-F", "qcow2",
                "-b", base.toString(), target.toString()).redirectErrorStream(true).start();
        try {
            if (!qemuImg.waitFor(Timeouts.OVERLAY.toMillis(), TimeUnit.MILLISECONDS)) {
                qemuImg.destroyForcibly();
                throw new IOException("qemu-img create did not finish within " + Timeouts.OVERLAY);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating the overlay", e);
        }
        String output = new String(qemuImg.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (qemuImg.exitValue() != 0) {
            throw new IOException("qemu-img create of " + target + " on " + base + " failed with exit code "
                    + qemuImg.exitValue() + ": " + output.strip());
        }
    }

    // The guest touched (init_on_free zeroes every freed page) nearly all of its RAM file, so it is as large on disk as
    // the guest's memory; punching holes where it is zero shrinks it to the live pages (1 GiB -> ~130 MB, < 1 s).
    // Only disk space is at stake: when fallocate is missing or fails, the snapshot keeps the full file.
    static void digHoles(String host, Path ram) {
        try {
            Process dig = new ProcessBuilder("fallocate", "--dig-holes", ram.toString()).redirectErrorStream(true)
                    .start();
            boolean done = dig.waitFor(Timeouts.OVERLAY.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                dig.destroyForcibly();
            }
            String output = new String(dig.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            if (!done || dig.exitValue() != 0) {
                LOG.warn("[{}] cannot make the snapshot's RAM file sparse (fallocate --dig-holes {}): {}; it keeps "
                        + "its full size", host, ram, done ? output : "timed out");
            }
        } catch (IOException e) {
            LOG.warn("[{}] cannot make the snapshot's RAM file sparse: {}; it keeps its full size", host, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
