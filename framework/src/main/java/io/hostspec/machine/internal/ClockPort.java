package io.hostspec.machine.internal;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The host end of the guest's clock port: the virtio-serial port {@value #PORT_NAME} on a QEMU {@code pipe} chardev
 * (two FIFOs, {@code <base>.in} towards the guest and {@code <base>.out} from it), answered in the guest by a resident
 * daemon of every image that sets the system clock with {@code clock_settime}. After a warm-snapshot restore the
 * guest's clock stands at snapshot time; correcting it here costs the resumed TCG guest a read and a system call,
 * where a {@code date -s} through the agent costs a fork and an exec that TCG must first translate (~0.3 CPU-s).
 * A pipe chardev counts as connected from QEMU's start, so the daemon never sees the port close across a restore.
 *
 * <p>One line each way: {@code set <epoch seconds> <nanoseconds>} answered by {@code ok <epoch seconds>} or
 * {@code error <reason>}. The FIFOs are opened read-write, so opening never blocks, even when QEMU is gone.
 */
public final class ClockPort implements AutoCloseable {

    /** The port name the guest's daemon opens under /dev/virtio-ports. */
    public static final String PORT_NAME = "org.hostspec.clock.0";

    private static final long POLL_MILLIS = 2;

    private final Path base;
    private RandomAccessFile toGuest;
    private RandomAccessFile fromGuest;
    private FileInputStream fromGuestStream;
    private final StringBuilder pending = new StringBuilder();

    /**
     * @param base the chardev path; QEMU uses {@code base.in} and {@code base.out}
     */
    public ClockPort(Path base) {
        this.base = base;
    }

    /** @return the FIFO QEMU reads (host to guest) */
    public Path in() {
        return base.resolveSibling(base.getFileName() + ".in");
    }

    /** @return the FIFO QEMU writes (guest to host) */
    public Path out() {
        return base.resolveSibling(base.getFileName() + ".out");
    }

    /**
     * @param id chardev id
     * @return the QEMU arguments of the chardev and the port
     */
    public List<String> qemuArgs(String id) {
        return List.of("-chardev", "pipe,id=" + id + ",path=" + base.toString().replace(",", ",,"),
                "-device", "virtserialport,chardev=" + id + ",name=" + PORT_NAME);
    }

    /**
     * Creates the two FIFOs unless they exist ({@code mkfifo}; Java has no call for it).
     *
     * @throws IOException when mkfifo fails
     */
    public void createFifos() throws IOException {
        if (Files.exists(in()) && Files.exists(out())) {
            return;
        }
        Files.deleteIfExists(in());
        Files.deleteIfExists(out());
        Process mkfifo = new ProcessBuilder("mkfifo", "-m", "0600", in().toString(), out().toString())
                .redirectErrorStream(true).start();
        try {
            if (!mkfifo.waitFor(10, TimeUnit.SECONDS)) {
                mkfifo.destroyForcibly();
                throw new IOException("mkfifo " + base + ".{in,out} did not finish within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while creating the FIFOs of " + base, e);
        }
        String output = new String(mkfifo.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (mkfifo.exitValue() != 0) {
            throw new IOException("mkfifo " + in() + " " + out() + " failed with exit code " + mkfifo.exitValue()
                    + ": " + output);
        }
    }

    /**
     * Sets the guest's clock and waits for the daemon's answer.
     *
     * @param now     the time to set
     * @param timeout how long to wait for the answer
     * @throws ChannelTimeoutException when the daemon does not answer in time (no daemon, or the guest is stuck)
     * @throws ProtocolErrorException  when the daemon answers with an error (error class {@code ClockDaemonError})
     * @throws ChannelClosedException  when the FIFOs cannot be used
     */
    public synchronized void set(Instant now, Duration timeout) {
        String request = "set " + now.getEpochSecond() + " " + now.getNano() + "\n";
        String expected = "ok " + now.getEpochSecond();
        try {
            open();
            toGuest.write(request.getBytes(StandardCharsets.US_ASCII));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                String line = nextLine(deadline);
                if (line == null) {
                    throw new ChannelTimeoutException(base, "no answer from the guest's clock daemon on " + PORT_NAME
                            + " within " + timeout.toMillis() + " ms");
                }
                if (line.equals(expected)) {
                    return;
                }
                if (line.startsWith("error")) {
                    throw new ProtocolErrorException(base, request.strip(), "ClockDaemonError",
                            line.substring("error".length()).strip());
                }
                // an answer to an earlier request that timed out: skip it
            }
        } catch (IOException e) {
            throw new ChannelClosedException(base, "clock port: " + e.getMessage(), e);
        }
    }

    private void open() throws IOException {
        if (toGuest == null) {
            toGuest = new RandomAccessFile(in().toFile(), "rw");
            fromGuest = new RandomAccessFile(out().toFile(), "rw");
            fromGuestStream = new FileInputStream(fromGuest.getFD());
        }
    }

    // Polls FIONREAD (available()) so that a silent guest cannot block the caller past the deadline.
    private String nextLine(long deadline) throws IOException {
        FileInputStream source = fromGuestStream;
        while (true) {
            int newline = pending.indexOf("\n");
            if (newline >= 0) {
                String line = pending.substring(0, newline).strip();
                pending.delete(0, newline + 1);
                return line;
            }
            int available = source.available();
            if (available > 0) {
                byte[] bytes = new byte[available];
                int n = source.read(bytes);
                pending.append(new String(bytes, 0, Math.max(n, 0), StandardCharsets.US_ASCII));
                continue;
            }
            if (System.nanoTime() > deadline) {
                return null;
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for the clock daemon", e);
            }
        }
    }

    /** Closes the host ends (the FIFOs stay for the next launch on the same run directory). */
    @Override
    public synchronized void close() {
        for (RandomAccessFile file : new RandomAccessFile[] {toGuest, fromGuest}) {
            if (file != null) {
                try {
                    file.close();
                } catch (IOException e) {
                    // closing a FIFO end: nothing to recover
                }
            }
        }
        toGuest = null;
        fromGuest = null;
        fromGuestStream = null;
        pending.setLength(0);
    }
}
