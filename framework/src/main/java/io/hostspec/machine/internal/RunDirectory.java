package io.hostspec.machine.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The private working directory of one run (mode 0700): sockets, overlays and logs of its machines. It records its
 * owner (this JVM) and every QEMU started for it, so a later run can reap what a killed JVM left behind: stale
 * directories whose owner is dead are deleted after their recorded QEMU processes are killed, by pid (a pid counts
 * only if its start time matches the record, so a reused pid is never killed).
 */
public final class RunDirectory implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);
    private static final String OWNER = "owner";
    private static final String QEMU_PIDS = "qemu.pids";

    private final Path path;
    private volatile boolean closed;
    private final Runnable deleteAtExit = this::close;

    private RunDirectory(Path path) {
        this.path = path;
        // SIGINT/SIGTERM: the launcher kills the processes first, then this deletes overlays, sockets and logs
        QemuLauncher.instance().afterKillOnExit(deleteAtExit);
    }

    /**
     * Reaps stale runs, then creates this run's directory under {@code ${java.io.tmpdir}/hostspec-runs}.
     *
     * @return the new run directory
     */
    public static RunDirectory create() {
        return create(Path.of(System.getProperty("java.io.tmpdir"), "hostspec-runs"));
    }

    /**
     * Reaps stale runs under {@code root}, then creates a new run directory there.
     *
     * @param root the folder holding all run directories
     * @return the new run directory
     */
    public static RunDirectory create(Path root) {
        try {
            Files.createDirectories(root);
            reapStale(root);
            ProcessHandle self = ProcessHandle.current();
            Path path = root.resolve(self.pid() + "-" + HexFormat.of().formatHex(new SecureRandom().generateSeed(4)));
            Files.createDirectory(path, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            Files.writeString(path.resolve(OWNER), record(self));
            return new RunDirectory(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run directory under " + root, e);
        }
    }

    /**
     * Deletes every run directory under {@code root} whose owning JVM is dead, killing the QEMU processes it
     * recorded that are still alive.
     *
     * @param root the folder holding all run directories
     * @return how many directories were reaped
     */
    public static int reapStale(Path root) {
        int reaped = 0;
        if (!Files.isDirectory(root)) {
            return 0;
        }
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(root)) {
            for (Path run : runs) {
                Optional<String> owner = readQuietly(run.resolve(OWNER)).map(String::strip);
                if (owner.isPresent() && alive(owner.get()).isPresent()) {
                    continue; // a live run of another JVM
                }
                if (owner.isEmpty() && youngerThan(run, Duration.ofMinutes(1))) {
                    continue; // being created right now
                }
                for (String line : readQuietly(run.resolve(QEMU_PIDS)).map(String::lines).orElse(Stream.empty()).toList()) {
                    alive(line.strip()).ifPresent(process -> {
                        LOG.warn("Killing QEMU pid {} left behind by a dead run in {}", process.pid(), run);
                        process.destroyForcibly();
                    });
                }
                deleteRecursively(run);
                reaped++;
            }
        } catch (IOException e) {
            LOG.warn("Cannot reap stale runs in {}: {}", root, e.toString());
        }
        return reaped;
    }

    /** @return the directory */
    public Path path() {
        return path;
    }

    /**
     * Creates (if needed) the private sub-directory of one machine.
     *
     * @param machine the machine's name
     * @return its directory
     */
    public Path machineDirectory(String machine) {
        try {
            return Files.createDirectories(path.resolve(machine));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of machine " + machine, e);
        }
    }

    /**
     * Records a started QEMU so a later run can kill it if this JVM dies without cleaning up.
     *
     * @param process the QEMU process
     */
    public synchronized void recordQemu(ProcessHandle process) {
        try {
            Files.writeString(path.resolve(QEMU_PIDS), record(process) + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record QEMU pid " + process.pid(), e);
        }
    }

    /** Deletes the directory and everything in it. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            deleteRecursively(path);
            QemuLauncher.instance().withdrawAfterKillOnExit(deleteAtExit);
        }
    }

    // "<pid> <start epoch millis>": the start time tells a live owner from a reused pid.
    private static String record(ProcessHandle process) {
        return process.pid() + " " + process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }

    static Optional<ProcessHandle> alive(String record) {
        String[] parts = record.split(" ");
        try {
            long pid = Long.parseLong(parts[0]);
            long start = parts.length > 1 ? Long.parseLong(parts[1]) : 0;
            return ProcessHandle.of(pid)
                    .filter(ProcessHandle::isAlive)
                    .filter(p -> start == 0 || p.info().startInstant()
                            .map(s -> Math.abs(s.toEpochMilli() - start) < 1000).orElse(false));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static boolean youngerThan(Path path, Duration age) {
        try {
            return Files.getLastModifiedTime(path).toInstant().isAfter(Instant.now().minus(age));
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<String> readQuietly(Path file) {
        try {
            return Files.exists(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            List<Path> paths = walk.sorted(Comparator.reverseOrder()).toList();
            for (Path p : paths) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("Cannot delete {}: {}", dir, e.toString());
        }
    }
}
