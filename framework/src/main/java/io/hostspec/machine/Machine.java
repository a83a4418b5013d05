package io.hostspec.machine;

import io.hostspec.machine.internal.AccelerationProbe;
import io.hostspec.machine.internal.ChannelClosedException;
import io.hostspec.machine.internal.ChannelException;
import io.hostspec.machine.internal.ChannelTimeoutException;
import io.hostspec.machine.internal.ClockPort;
import io.hostspec.machine.internal.GuestAgent;
import io.hostspec.machine.internal.HostClock;
import io.hostspec.machine.internal.Qmp;
import io.hostspec.machine.internal.QemuCommand;
import io.hostspec.machine.internal.QemuLauncher;
import io.hostspec.machine.internal.QemuVersion;
import io.hostspec.machine.internal.RunDirectory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One guest under QEMU, driven like a machine of the NixOS test driver.
 *
 * <p>{@link #start()} is asynchronous and idempotent: it creates the machine's overlay and launches QEMU, and returns
 * without waiting for the guest. The first command waits for the guest agent (lazy connect); a machine that was never
 * started is started by its first command. Every wait is named, bounded and stops at once when QEMU exits. Machines
 * are created and owned by a {@link Lab}.
 *
 * <p>Warm starts (on unless {@code -Dhostspec.warm=false}): the first start of a machine restores the warm snapshot
 * of its (image, hardware) from the {@link SnapshotCache} instead of booting, on a fresh overlay of its own. When there
 * is no snapshot yet, the machine boots cold, waits until the system is up, snapshots itself, publishes the snapshot
 * and then restores it, so every start begins from the identical post-boot state. A snapshot that QEMU refuses or
 * whose agent does not answer is deleted and the machine falls back to a cold boot (which takes a new one). A warm
 * {@link #start()} returns once the agent answers. A machine that already ran (crashed, shut down, rebooted) always
 * boots cold from its own overlay. Cold boots and memory go through the lab's {@link Governor}.
 */
public final class Machine implements AutoCloseable {

    private enum State { NEW, RUNNING, SHUT_DOWN, CRASHED, CLOSED }

    /** How the machine's current (or last) QEMU began. */
    public enum StartKind {
        /** Booted the kernel from its disk. */
        COLD_BOOT,
        /** Restored a warm snapshot. */
        RESTORED
    }

    private static final Logger LOG = LoggerFactory.getLogger(Machine.class);

    private static final int EVIDENCE_LINES = 50;
    private static final int OUTPUT_TAIL_LINES = 30;
    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");

    private final MachineSpec spec;
    private final Path dir;
    private final Path overlay;
    private final Path qmpSocket;
    private final Path agentSocket;
    private final Path clockPipe;
    private final ClockPort clockPort;
    private final Path consoleLog;
    private final Path qemuLog;
    private final RunDirectory run;
    private final Object agentLock = new Object();

    private volatile State state = State.NEW;
    private volatile Process process;
    private GuestAgent agent; // guarded by agentLock
    private Qmp qmp; // guarded by this
    private final Governor governor;
    private final Consumer<Machine> afterStart;
    private Governor.Grant memoryGrant; // guarded by this
    private final java.util.concurrent.atomic.AtomicReference<Governor.Grant> bootGrant =
            new java.util.concurrent.atomic.AtomicReference<>();
    private volatile boolean hookPending;
    private volatile Thread starter;
    private volatile StartKind lastStart;

    Machine(MachineSpec spec, RunDirectory run) {
        this(spec, run, Governor.shared(), machine -> { });
    }

    Machine(MachineSpec spec, RunDirectory run, Governor governor, Consumer<Machine> afterStart) {
        this.spec = spec;
        this.run = run;
        this.governor = governor;
        this.afterStart = afterStart;
        this.dir = run.machineDirectory(spec.name());
        this.overlay = dir.resolve("disk.qcow2");
        this.qmpSocket = dir.resolve("qmp.sock");
        this.agentSocket = dir.resolve("qga.sock");
        this.clockPipe = dir.resolve("clock");
        this.clockPort = new ClockPort(clockPipe);
        this.consoleLog = dir.resolve("console.log");
        this.qemuLog = dir.resolve("qemu.log");
    }

    /** @return the host name */
    public String name() {
        return spec.name();
    }

    /** @return the spec this machine was created from */
    public MachineSpec spec() {
        return spec;
    }

    /** @return the file receiving this machine's serial console (deleted when the lab closes) */
    public Path consoleLog() {
        return consoleLog;
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Launches QEMU unless it is already running. The first start restores the warm snapshot of the machine's image
     * and hardware (taking it first if there is none) and returns once the agent answers; with warm starts off, or
     * when the machine ran before, it boots cold from the machine's own overlay and returns without waiting for the
     * guest (use {@link #waitForAgent(Duration)} or any command). After {@link #shutdown()} or {@link #crash()} this
     * boots the machine again, cold, from its (persisted) overlay: never a silent restore.
     *
     * @throws MachineException when the overlay cannot be created, QEMU cannot be launched or the cold boot that
     *                          takes a snapshot fails
     */
    public synchronized void start() {
        if (state == State.CLOSED) {
            throw new MachineException(name(), "[" + name() + "] is closed and cannot be started again", null, null);
        }
        if (state == State.RUNNING && process != null && process.isAlive()) {
            return;
        }
        boolean warm = !Files.exists(overlay) && SnapshotCache.enabled();
        try (LogSection section = LogSection.open(name(), warm ? "warm start" : "launch QEMU")) {
            starter = Thread.currentThread();
            try {
                // Connections of a previous QEMU (crashed, killed or shut down) point at dead sockets.
                closeAgent();
                closeQmp();
                if (memoryGrant == null) {
                    memoryGrant = governor.reserveMemory(name(), spec.memoryMiB(), Timeouts.boot());
                }
                String accel = AccelerationProbe.accelerator(spec.image().kernel(), spec.image().initrd(), dir);
                String cmdline = kernelCmdline(accel);
                if (warm) {
                    warmStart(accel, cmdline);
                } else {
                    createOverlay(overlay, spec.image().disk(), false);
                    launchCold(accel, cmdline, overlay, true);
                }
            } catch (IOException | RuntimeException e) {
                throw section.failed(e instanceof MachineException me ? me
                        : new MachineException(name(), "[" + name() + "] cannot start: " + e.getMessage(), null, e));
            } finally {
                starter = null;
            }
        }
    }

    /** @return how the current (or last) QEMU of this machine began, empty before the first start */
    public Optional<StartKind> lastStart() {
        return Optional.ofNullable(lastStart);
    }

    private String kernelCmdline(String accel) {
        String clock = accel.equals("tcg") ? HostClock.tscKhz().stream()
                .mapToObj(khz -> "tsc_early_khz=" + khz + " ").findFirst().orElse("") : "";
        // init_on_free zeroes freed pages: after the page cache is dropped before a snapshot, most guest RAM is zero,
        // which migration sends as a flag, so the state file and every restore shrink.
        return ("root=/dev/vda rw console=ttyS0 init_on_free=1 " + QemuCommand.BOOT_OPTIONS + " " + clock
                + spec.kernelCmdlineExtra()).strip();
    }

    private QemuCommand command(String accel, String cmdline, Path disk) {
        return new QemuCommand(accel, spec.memoryMiB(), spec.cores(), spec.image().kernel(), spec.image().initrd(),
                cmdline, disk, qmpSocket, agentSocket, clockPipe, consoleLog, spec.extraQemuArgs(), Optional.empty());
    }

    private void launch(QemuCommand command) throws IOException {
        Files.deleteIfExists(qmpSocket);
        Files.deleteIfExists(agentSocket);
        // closing our ends discards whatever an earlier QEMU left unread in the FIFOs (a stale clock request)
        clockPort.close();
        clockPort.createFifos();
        Files.writeString(qemuLog, "$ " + String.join(" ", command.toArgs()) + "\n",
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        process = QemuLauncher.instance().launch(command.toArgs(), qemuLog);
        run.recordQemu(process.toHandle());
        state = State.RUNNING;
    }

    // A cold boot holds a boot slot of the governor until the agent first answers (or the boot fails).
    private void launchCold(String accel, String cmdline, Path disk, boolean runHook) throws IOException {
        launchCold(command(accel, cmdline, disk), runHook);
    }

    private void launchCold(QemuCommand command, boolean runHook) throws IOException {
        bootGrant.set(governor.bootSlot(name(), Timeouts.boot()));
        try {
            launch(command);
        } catch (IOException | RuntimeException e) {
            releaseBootSlot();
            throw e;
        }
        lastStart = StartKind.COLD_BOOT;
        hookPending = runHook;
    }

    private void releaseBootSlot() {
        Governor.Grant grant = bootGrant.getAndSet(null);
        if (grant != null) {
            grant.close();
        }
    }

    private void warmStart(String accel, String cmdline) throws IOException {
        SnapshotCache cache = SnapshotCache.beside(spec.image());
        HardwareKey key = HardwareKey.of(spec, accel, cmdline, QemuVersion.get());
        Optional<SnapshotCache.Snapshot> found = cache.find(key);
        if (found.isPresent()) {
            Optional<String> refused = restore(accel, cmdline, found.get());
            if (refused.isEmpty()) {
                return;
            }
            cache.invalidate(found.get(), "restoring it on " + name() + " failed: " + refused.get());
        }
        SnapshotCache.Snapshot fresh = cache.getOrCreate(key, tmp -> takeSnapshot(accel, cmdline, tmp));
        Optional<String> refused = restore(accel, cmdline, fresh);
        if (refused.isEmpty()) {
            return;
        }
        cache.invalidate(fresh, "restoring it on " + name() + " failed: " + refused.get());
        LOG.warn("[{}] falling back to a cold boot without a warm snapshot", name());
        createOverlay(overlay, spec.image().disk(), false);
        launchCold(accel, cmdline, overlay, true);
    }

    // Cold-boots on an overlay inside the snapshot's temporary directory, with guest RAM in a shared file there, waits
    // until the system is up, then writes the device state next to them (x-ignore-shared: the RAM stays in its file,
    // not in the stream) and quits: the overlay becomes the snapshot's frozen disk, the file its RAM.
    private void takeSnapshot(String accel, String cmdline, Path tmp) throws IOException {
        try (LogSection section = LogSection.open(name(), "cold boot and take a warm snapshot")) {
            try {
                Path disk = tmp.resolve(SnapshotCache.DISK);
                createOverlay(disk, spec.image().disk(), true);
                launchCold(command(accel, cmdline, disk)
                        .withRamFile(new QemuCommand.RamFile(tmp.resolve(SnapshotCache.RAM), true)), false);
                waitForAgent(Timeouts.boot());
                ExecResult up = execute("systemctl is-system-running --wait", Timeouts.SYSTEM_UP);
                String status = up.stdout().strip();
                if (!status.equals("running") && !status.equals("degraded")) {
                    throw new MachineException(name(), "[" + name() + "] is not up after boot (systemctl "
                            + "is-system-running says '" + status + "'); no warm snapshot taken"
                            + outputEvidence(execute("systemctl --failed --no-pager 2>&1", Timeouts.PROTOCOL_CALL))
                            + consoleEvidence(), up, null);
                }
                // the clock daemon must be waiting on its port in the snapshot, or every restore waits for it in vain
                if (!setClockThroughPort(Timeouts.PROTOCOL_CALL)) {
                    LOG.warn("[{}] restores of this snapshot will set the clock through the agent", name());
                }
                succeed("sync; echo 3 > /proc/sys/vm/drop_caches");
                closeAgent();
                Qmp monitor = qmp();
                monitor.stop(Timeouts.PROTOCOL_CALL);
                monitor.setMigrationCapability("x-ignore-shared", true, Timeouts.PROTOCOL_CALL);
                Path state = tmp.resolve(SnapshotCache.STATE);
                monitor.migrateToFile(state, Timeouts.PROTOCOL_CALL);
                Wait.until(name(), "warm snapshot state of " + name() + " written", "query-migrate: completed",
                        Timeouts.SNAPSHOT, this::failIfQemuExited, remaining -> {
                            Qmp.MigrationStatus status2 = monitor.migrationStatus(Timeouts.PROTOCOL_CALL);
                            if (status2.status().equals("failed") || status2.status().equals("cancelled")) {
                                throw new MachineException(name(), "[" + name() + "] writing the warm snapshot to "
                                        + state + " failed: " + status2.error() + qemuOutputEvidence(), null, null);
                            }
                            return status2.status().equals("completed") ? Wait.Observation.satisfied("completed")
                                    : Wait.Observation.notYet(status2.status());
                        }, this::qemuOutputEvidence);
            } catch (RuntimeException e) {
                throw section.failed(e);
            } finally {
                releaseBootSlot();
                stopQemu();
            }
            digHoles(tmp.resolve(SnapshotCache.RAM));
        }
    }

    // The guest touched (init_on_free zeroes every freed page) nearly all of its RAM file, so it is as large on disk as
    // the guest's memory; punching holes where it is zero shrinks it to the live pages (1 GiB -> ~130 MB, < 1 s).
    // Only disk space is at stake: when fallocate is missing or fails, the snapshot keeps the full file.
    private void digHoles(Path ram) {
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
                        + "its full size", name(), ram, done ? output : "timed out");
            }
        } catch (IOException e) {
            LOG.warn("[{}] cannot make the snapshot's RAM file sparse: {}; it keeps its full size", name(),
                    e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    // Restores a snapshot on a fresh overlay, its RAM file mapped copy-on-write (share=off: restores share the file's
    // pages in the page cache, fault them in lazily, and never write the file). QEMU starts with -incoming defer so
    // x-ignore-shared can be set before the (device-only) state is loaded. Returns why it failed (QEMU refused the
    // state, the agent did not answer in time), leaving no QEMU and no overlay behind; empty on success.
    private Optional<String> restore(String accel, String cmdline, SnapshotCache.Snapshot snapshot) throws IOException {
        try (LogSection section = LogSection.open(name(), "restore warm snapshot " + snapshot.key().digest())) {
            Files.deleteIfExists(overlay);
            createOverlay(overlay, snapshot.disk(), false);
            hookPending = false;
            try {
                QemuCommand command = command(accel, cmdline, overlay).withIncoming(snapshot.state())
                        .withRamFile(new QemuCommand.RamFile(snapshot.ram(), false));
                launch(command);
                lastStart = StartKind.RESTORED;
                Qmp monitor = Wait.untilValue(name(), "QMP of " + name() + " accepts a connection",
                        Timeouts.RESTORE, this::failIfQemuExited, () -> {
                            try {
                                return Optional.of(qmp());
                            } catch (ChannelException e) {
                                return Optional.empty();
                            }
                        }, this::qemuOutputEvidence);
                monitor.setMigrationCapability("x-ignore-shared", true, Timeouts.PROTOCOL_CALL);
                monitor.migrateIncoming(command.incomingUri().orElseThrow(), Timeouts.PROTOCOL_CALL);
                Wait.until(name(), "warm snapshot state loaded into " + name(), "query-migrate: completed",
                        Timeouts.RESTORE, this::failIfQemuExited, remaining -> {
                            Qmp.MigrationStatus status = monitor.migrationStatus(Timeouts.PROTOCOL_CALL);
                            if (status.status().equals("failed")) {
                                throw new MachineException(name(), "[" + name() + "] QEMU refused the warm snapshot "
                                        + "state: " + status.error() + qemuOutputEvidence(), null, null);
                            }
                            return status.status().equals("completed") ? Wait.Observation.satisfied("completed")
                                    : Wait.Observation.notYet(status.status());
                        }, this::qemuOutputEvidence, Wait.Pace.PROTOCOL);
                monitor.cont(Timeouts.PROTOCOL_CALL);
                boolean clockSet = setClockThroughPort(Timeouts.CLOCK_PORT);
                waitForAgent(Timeouts.RESTORE);
                if (!clockSet) {
                    setClockThroughAgent();
                }
            } catch (RuntimeException e) {
                stopQemu();
                Files.deleteIfExists(overlay);
                String reason = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
                section.failed(e);
                return Optional.of(reason);
            }
        }
        runAfterStart();
        return Optional.empty();
    }

    // The guest's clock stopped at snapshot time. The image's clock daemon sets it from a read and a clock_settime; the
    // fallback, `date -s` through the agent, costs the resumed TCG guest a fork and an exec (~0.3 CPU-s).
    private boolean setClockThroughPort(Duration timeout) {
        try {
            clockPort.set(java.time.Instant.now(), timeout);
            return true;
        } catch (ChannelException e) {
            LOG.warn("[{}] the guest's clock daemon did not set the clock ({}); setting it through the agent",
                    name(), e.getMessage());
            return false;
        }
    }

    // Not QGA guest-set-time: it runs `hwclock -w`, which waits for the next RTC second (0.5 s on average).
    private void setClockThroughAgent() {
        java.time.Instant now = java.time.Instant.now();
        ExecResult clock = execute(String.format(java.util.Locale.ROOT, "date -u -s @%d.%09d >/dev/null",
                now.getEpochSecond(), now.getNano()), Timeouts.PROTOCOL_CALL);
        if (!clock.succeeded()) {
            throw new MachineException(name(), "[" + name() + "] cannot set the clock after a restore"
                    + outputEvidence(clock), clock, null);
        }
    }

    private void runAfterStart() {
        hookPending = false;
        afterStart.accept(this);
    }

    private void createOverlay(Path target, Path backing, boolean force) throws IOException {
        if (Files.exists(target) && !force) {
            return;
        }
        Path base = backing.toAbsolutePath();
        if (!Files.isRegularFile(base)) {
            throw new MachineException(name(), "[" + name() + "] base image " + base + " does not exist", null, null);
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

    /**
     * Waits until the guest agent answers (connecting lazily). Starts the machine if it was never started.
     *
     * @param timeout the bound
     * @throws MachineException when QEMU exits meanwhile (at once) or the agent does not answer in time
     */
    public void waitForAgent(Duration timeout) {
        ensureRunning();
        synchronized (agentLock) {
            if (agent != null) {
                return;
            }
            try (LogSection section = LogSection.open(name(), "wait for the guest agent")) {
                try {
                    Wait.until(name(), "guest agent of " + name() + " answers", "a reply to guest-sync-delimited",
                            timeout, this::failIfQemuExited, remaining -> trySyncAgent(), this::consoleEvidence,
                            Wait.Pace.PROTOCOL);
                } catch (RuntimeException e) {
                    throw section.failed(e);
                } finally {
                    releaseBootSlot();
                }
            }
            if (hookPending) {
                runAfterStart();
            }
        }
    }

    // Called with agentLock held. Leaves a synchronised agent in this.agent on success.
    private Wait.Observation trySyncAgent() {
        GuestAgent candidate = agent;
        try {
            if (candidate == null) {
                candidate = GuestAgent.connect(agentSocket, Timeouts.PROTOCOL_CALL);
            }
            candidate.sync(Timeouts.AGENT_SYNC_ATTEMPT);
            agent = candidate;
            return Wait.Observation.satisfied("agent answered");
        } catch (ChannelTimeoutException e) {
            agent = null;
            candidate.close();
            return Wait.Observation.notYet("socket open, no answer to guest-sync-delimited within "
                    + Timeouts.AGENT_SYNC_ATTEMPT.toMillis() + " ms (guest still booting?)");
        } catch (ChannelClosedException e) {
            agent = null;
            if (candidate != null) {
                candidate.close();
            }
            return Wait.Observation.notYet("agent socket not available: " + e.getMessage());
        }
    }

    /**
     * Reboots the guest and waits until its agent answers from the new boot. The guest shuts down cleanly (the agent
     * asks it to reboot); microvm cannot warm-reset, so QEMU exits at the reset and is relaunched on the same overlay.
     *
     * @throws MachineException when QEMU fails, or the guest does not go down within {@link Timeouts#SHUTDOWN} or come
     *                          back within {@link Timeouts#boot()}
     */
    public synchronized void reboot() {
        try (LogSection section = LogSection.open(name(), "reboot")) {
            try {
                String oldBoot = succeed("cat /proc/sys/kernel/random/boot_id").strip();
                Process qemu = process;
                synchronized (agentLock) {
                    withAgent("requesting a reboot", a -> {
                        a.shutdown("reboot");
                        return null;
                    });
                    closeAgent();
                }
                Wait.until(name(), "guest of " + name() + " goes down for reboot", "QEMU exiting with code 0 at the reset",
                        Timeouts.SHUTDOWN, () -> { }, remaining -> {
                            if (qemu.isAlive()) {
                                return Wait.Observation.notYet("QEMU still running (guest shutting down)");
                            }
                            if (qemu.exitValue() != 0) {
                                throw exited(qemu, " during the reboot", null);
                            }
                            return Wait.Observation.satisfied("QEMU exited with code 0");
                        }, this::consoleEvidence);
                start();
                waitForAgent(Timeouts.boot());
                String newBoot = succeed("cat /proc/sys/kernel/random/boot_id").strip();
                if (newBoot.equals(oldBoot)) {
                    throw new MachineException(name(), "[" + name() + "] reboot did not happen: boot id still " + oldBoot,
                            null, null);
                }
            } catch (RuntimeException e) {
                throw section.failed(e);
            }
        }
    }

    /**
     * Powers the guest off cleanly and waits for QEMU to exit. Does nothing unless the machine is running.
     *
     * @throws MachineException when QEMU does not exit within {@link Timeouts#SHUTDOWN} (it is then killed)
     */
    public synchronized void shutdown() {
        if (!isRunning()) {
            return;
        }
        try (LogSection section = LogSection.open(name(), "shut down")) {
            Process qemu = process;
            try {
                boolean asked = false;
                synchronized (agentLock) {
                    if (agent != null) {
                        try {
                            agent.shutdown("powerdown");
                            asked = true;
                        } catch (ChannelException e) {
                            // fall back to the ACPI power button
                        }
                    }
                    closeAgent();
                }
                if (!asked) {
                    qmp().execute("system_powerdown", null, Timeouts.PROTOCOL_CALL);
                }
                Wait.until(name(), "QEMU of " + name() + " exits after power-off", "QEMU exited", Timeouts.SHUTDOWN,
                        () -> { }, remaining -> qemu.isAlive() ? Wait.Observation.notYet("QEMU still running")
                                : Wait.Observation.satisfied("exited with code " + qemu.exitValue()),
                        this::consoleEvidence);
            } catch (RuntimeException e) {
                kill(qemu);
                throw section.failed(e instanceof MachineException ? e
                        : new MachineException(name(), "[" + name() + "] clean shutdown failed: " + e.getMessage()
                        + consoleEvidence(), null, e));
            } finally {
                state = State.SHUT_DOWN;
                closeQmp();
            }
        }
    }

    /**
     * Stops QEMU at once, like pulling the power cord: no guest shutdown. Does nothing unless running. Later commands
     * fail with a clear message until {@link #start()} is called again.
     */
    public synchronized void crash() {
        if (!isRunning()) {
            return;
        }
        try (LogSection section = LogSection.open(name(), "crash")) {
            state = State.CRASHED;
            releaseBootSlot();
            stopQemu();
        }
    }

    /** @return the pid of the current (or last) QEMU process, empty before the first start */
    public java.util.OptionalLong qemuPid() {
        Process qemu = process;
        return qemu == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(qemu.pid());
    }

    /** @return whether QEMU of this machine is running */
    public boolean isRunning() {
        Process qemu = process;
        return state == State.RUNNING && qemu != null && qemu.isAlive();
    }

    /**
     * Stops QEMU at once (no clean shutdown) and releases the sockets. Idempotent; the machine cannot be started
     * again.
     */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        try {
            stopQemu();
        } finally {
            releaseBootSlot();
            if (memoryGrant != null) {
                memoryGrant.close();
            }
        }
    }

    // QEMU goes first: a command in flight on another thread then fails at once and releases the agent.
    private void stopQemu() {
        Process qemu = process;
        if (qemu != null && qemu.isAlive()) {
            try {
                qmp().quit(Timeouts.KILL);
            } catch (RuntimeException e) {
                qemu.destroyForcibly(); // QMP unusable
            }
            kill(qemu);
        }
        closeQmp();
        closeAgent();
        clockPort.close();
    }

    private void kill(Process qemu) {
        try {
            if (!qemu.waitFor(Timeouts.KILL.toMillis(), TimeUnit.MILLISECONDS)) {
                qemu.destroyForcibly();
                qemu.waitFor(Timeouts.KILL.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            qemu.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private synchronized Qmp qmp() {
        if (qmp == null || !qmp.isOpen()) {
            qmp = Qmp.connect(qmpSocket, Timeouts.PROTOCOL_CALL);
        }
        return qmp;
    }

    private synchronized void closeQmp() {
        if (qmp != null) {
            qmp.close();
            qmp = null;
        }
    }

    private void closeAgent() {
        synchronized (agentLock) {
            if (agent != null) {
                agent.close();
                agent = null;
            }
        }
    }

    // ---------------------------------------------------------------- commands

    /**
     * Runs {@code /bin/sh -c command} in the guest and returns its result whatever the exit code.
     *
     * @param command a shell command
     * @return exit code and output
     * @throws MachineException when the command cannot be run: QEMU exited, the agent does not answer, or the command
     *                          does not finish within {@link Timeouts#COMMAND}
     */
    public ExecResult execute(String command) {
        return execute(command, Timeouts.COMMAND);
    }

    /**
     * Runs {@code /bin/sh -c command} in the guest with an explicit bound.
     *
     * @param command a shell command
     * @param timeout bound for the command to finish
     * @return exit code and output
     * @throws MachineException when the command cannot be run or does not finish in time
     */
    public ExecResult execute(String command, Duration timeout) {
        long start = System.nanoTime();
        GuestAgent.ExecStatus status = withAgent("running `" + command + "`",
                a -> a.exec("/bin/sh", List.of("-c", command), timeout));
        ExecResult result = new ExecResult(command, status.exitCode(), new String(status.stdout(),
                StandardCharsets.UTF_8), new String(status.stderr(), StandardCharsets.UTF_8),
                Duration.ofNanos(System.nanoTime() - start));
        CommandLog.finished(name(), result);
        return result;
    }

    /**
     * Runs a command that must succeed.
     *
     * @param command a shell command
     * @return its standard output
     * @throws MachineException with exit code, output tails and console tail when it exits non-zero
     */
    public String succeed(String command) {
        ExecResult result = execute(command);
        if (!result.succeeded()) {
            throw new MachineException(name(), "[" + name() + "] command failed with exit code " + result.exitCode()
                    + ": `" + command + "`" + outputEvidence(result) + consoleEvidence(), result, null);
        }
        return result.stdout();
    }

    /**
     * Runs a command that must fail (exit non-zero).
     *
     * @param command a shell command
     * @return its standard output
     * @throws MachineException with the output when it exits 0
     */
    public String fail(String command) {
        ExecResult result = execute(command);
        if (result.succeeded()) {
            throw new MachineException(name(), "[" + name() + "] command unexpectedly succeeded: `" + command + "`"
                    + outputEvidence(result), result, null);
        }
        return result.stdout();
    }

    /**
     * Retries a command until it exits 0.
     *
     * @param command a shell command
     * @param timeout the bound
     * @return the standard output of the succeeding run
     * @throws MachineException on timeout (with the last exit code and output) or when QEMU exits
     */
    public String waitUntilSucceeds(String command, Duration timeout) {
        return retryCommand(command, timeout, true);
    }

    /**
     * Retries a command until it exits non-zero.
     *
     * @param command a shell command
     * @param timeout the bound
     * @return the standard output of the failing run
     * @throws MachineException on timeout or when QEMU exits
     */
    public String waitUntilFails(String command, Duration timeout) {
        return retryCommand(command, timeout, false);
    }

    private String retryCommand(String command, Duration timeout, boolean wantSuccess) {
        String name = "`" + command + "` " + (wantSuccess ? "succeeds" : "fails") + " on " + name();
        StringBuilder output = new StringBuilder();
        timed(name, () -> Wait.until(name(), name, wantSuccess ? "exit code 0" : "a non-zero exit code", timeout,
                this::failIfQemuExited, remaining -> {
                    ExecResult result = execute(command, remaining);
                    output.setLength(0);
                    output.append(result.stdout());
                    String seen = "exit code " + result.exitCode() + brief(result);
                    return result.succeeded() == wantSuccess ? Wait.Observation.satisfied(seen)
                            : Wait.Observation.notYet(seen);
                }, this::consoleEvidence));
        return output.toString();
    }

    /**
     * Waits until a systemd unit is active. Fails at once when the unit enters {@code failed}, or is inactive with
     * no job queued (it would never start), with {@code systemctl status} and the unit's journal in the message.
     *
     * @param unit    unit name, e.g. {@code nginx.service}
     * @param timeout the bound
     * @throws MachineException on failure, timeout or QEMU exit
     */
    public void waitForUnit(String unit, Duration timeout) {
        String name = "unit " + unit + " active on " + name();
        timed(name, () -> Wait.until(name(), name, "ActiveState=active", timeout, this::failIfQemuExited, remaining -> {
            ExecResult result = execute("systemctl show --property=ActiveState,SubState,LoadState " + Shell.quote(unit)
                    + "; echo JOBS=$(systemctl list-jobs --no-legend | wc -l)", remaining);
            String seen = result.stdout().strip().replace('\n', ' ');
            if (seen.contains("ActiveState=active")) {
                return Wait.Observation.satisfied(seen);
            }
            boolean terminal = seen.contains("ActiveState=failed")
                    || seen.contains("LoadState=not-found")
                    || (seen.contains("ActiveState=inactive") && seen.contains("JOBS=0"));
            if (terminal) {
                throw new MachineException(name(), "[" + name() + "] unit " + unit + " will not become active: "
                        + seen + unitEvidence(unit) + consoleEvidence(), result, null);
            }
            return Wait.Observation.notYet(seen);
        }, this::consoleEvidence));
    }

    /**
     * Returns the unit's {@code ActiveState} (active, inactive, failed, activating, ...).
     *
     * @param unit unit name
     * @return its current active state
     */
    public String unitState(String unit) {
        return succeed("systemctl show --property=ActiveState --value " + Shell.quote(unit)).strip();
    }

    /**
     * Waits until something listens on a TCP port in the guest (any address).
     *
     * @param port    the TCP port
     * @param timeout the bound
     */
    public void waitForOpenPort(int port, Duration timeout) {
        waitForCheck("TCP port " + port + " open on " + name(), "a listening socket on port " + port,
                "ss -Htln 'sport = :" + port + "' | grep -q .", timeout);
    }

    /**
     * Waits until nothing listens on a TCP port in the guest.
     *
     * @param port    the TCP port
     * @param timeout the bound
     */
    public void waitForClosedPort(int port, Duration timeout) {
        waitForCheck("TCP port " + port + " closed on " + name(), "no listening socket on port " + port,
                "! ss -Htln 'sport = :" + port + "' | grep -q .", timeout);
    }

    /**
     * Waits until a path exists in the guest.
     *
     * @param path    absolute path
     * @param timeout the bound
     */
    public void waitForFile(String path, Duration timeout) {
        waitForCheck("file " + path + " exists on " + name(), "the path to exist",
                "test -e " + Shell.quote(path), timeout);
    }

    /**
     * Waits until a unix socket at the path is listening in the guest.
     *
     * @param path    absolute path of the socket
     * @param timeout the bound
     */
    public void waitForOpenUnixSocket(String path, Duration timeout) {
        waitForCheck("unix socket " + path + " listening on " + name(), "a listening unix socket at the path",
                "test -S " + Shell.quote(path) + " && ss -Hxl | grep -qF -- " + Shell.quote(path + " "), timeout);
    }

    /**
     * Runs a command until its standard output is accepted, e.g. until {@code stat} shows the wanted owner. The
     * failure says what was expected and the last output seen.
     *
     * @param name     the wait's name, e.g. {@code unix socket /run/x.sock on web}
     * @param expected what an accepted output looks like, in words
     * @param command  the shell command observing the guest
     * @param accept   decides whether an output satisfies the wait
     * @param timeout  the bound
     * @return the accepted output
     * @throws MachineException on timeout (with the last output) or when QEMU exits
     */
    public String waitForOutput(String name, String expected, String command,
                                java.util.function.Predicate<String> accept, Duration timeout) {
        return timed(name, () -> Wait.until(name(), name, expected, timeout, this::failIfQemuExited, remaining -> {
            ExecResult result = execute(command, remaining);
            String seen = result.stdout().strip();
            String shown = seen.isEmpty() ? "(no output, exit " + result.exitCode() + ")" : tailOf(seen);
            return accept.test(result.stdout()) ? Wait.Observation.satisfied(seen)
                    : Wait.Observation.notYet(shown);
        }, this::consoleEvidence));
    }

    private void waitForCheck(String name, String expected, String check, Duration timeout) {
        timed(name, () -> Wait.until(name(), name, expected, timeout, this::failIfQemuExited, remaining -> {
            ExecResult result = execute(check, remaining);
            String seen = "check `" + check + "` exited " + result.exitCode() + brief(result);
            return result.succeeded() ? Wait.Observation.satisfied(seen) : Wait.Observation.notYet(seen);
        }, this::consoleEvidence));
    }

    /**
     * Reads a file of the guest as UTF-8 text.
     *
     * @param path absolute path
     * @return its content
     * @throws MachineException when the file cannot be read
     */
    public String readFile(String path) {
        return new String(withAgent("reading " + path, a -> a.readFile(path)), StandardCharsets.UTF_8);
    }

    /**
     * Writes (creates or replaces) a file of the guest. The parent directory must exist.
     *
     * @param path    absolute path
     * @param content UTF-8 text
     * @throws MachineException when the file cannot be written
     */
    public void writeFile(String path, String content) {
        withAgent("writing " + path, a -> {
            a.writeFile(path, content.getBytes(StandardCharsets.UTF_8));
            return null;
        });
    }

    /**
     * Writes (creates or replaces) a file of the guest with bytes, in chunks through the agent (binary-safe). The
     * parent directory must exist.
     *
     * @param path    absolute path
     * @param content the bytes
     * @throws MachineException when the file cannot be written
     */
    public void writeFile(String path, byte[] content) {
        withAgent("writing " + path + " (" + content.length + " bytes)", a -> {
            a.writeFile(path, content);
            return null;
        });
    }

    /**
     * Returns the last lines of the serial console, control sequences removed.
     *
     * @param lines how many lines
     * @return the lines, oldest first
     */
    public List<String> consoleTail(int lines) {
        return tail(consoleLog, lines);
    }

    // ---------------------------------------------------------------- plumbing

    private <T> T withAgent(String action, Function<GuestAgent, T> call) {
        ensureRunning();
        synchronized (agentLock) {
            if (agent == null) {
                waitForAgent(Timeouts.boot());
            }
            try {
                return call.apply(agent);
            } catch (ChannelException e) {
                throw diagnose(action, e);
            }
        }
    }

    private MachineException diagnose(String action, ChannelException e) {
        Process qemu = process;
        try {
            // A closed socket usually means QEMU is exiting; give it a moment so the message can say so.
            if (e instanceof ChannelClosedException && qemu != null) {
                qemu.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        if (qemu != null && !qemu.isAlive()) {
            closeAgent();
            return exited(qemu, " while " + action, e);
        }
        if (e instanceof ChannelClosedException) {
            closeAgent();
        }
        String what = e instanceof ChannelTimeoutException ? "no answer from the guest agent"
                : e instanceof ChannelClosedException ? "lost the guest agent connection" : "guest agent error";
        return new MachineException(name(), "[" + name() + "] " + what + " while " + action + ": " + e.getMessage()
                + consoleEvidence(), null, e);
    }

    private void ensureRunning() {
        Thread starting = starter;
        if (starting != null && starting != Thread.currentThread()) {
            start(); // waits for the (warm) start in progress on another thread, then returns at once
        }
        State current = state;
        switch (current) {
            case NEW -> start();
            case SHUT_DOWN, CRASHED -> throw new MachineException(name(), "[" + name() + "] is not running: it was "
                    + (current == State.CRASHED ? "crashed" : "shut down") + "; start() boots it again"
                    + consoleEvidence(), null, null);
            case CLOSED -> throw new MachineException(name(), "[" + name() + "] is closed", null, null);
            case RUNNING -> failIfQemuExited();
        }
    }

    private void failIfQemuExited() {
        Process qemu = process;
        if (state == State.RUNNING && qemu != null && !qemu.isAlive()) {
            throw exited(qemu, "", null);
        }
    }

    private MachineException exited(Process qemu, String context, Throwable cause) {
        return new MachineException(name(), "QEMU of host " + name() + " exited with code " + qemu.exitValue()
                + context + qemuOutputEvidence() + consoleEvidence(), null, cause);
    }

    private <T> T timed(String title, java.util.function.Supplier<T> body) {
        try (LogSection section = LogSection.open(name(), "wait for " + title)) {
            try {
                return body.get();
            } catch (RuntimeException e) {
                throw section.failed(e);
            }
        }
    }

    private String unitEvidence(String unit) {
        try {
            String status = execute("systemctl status --no-pager --full " + Shell.quote(unit) + " 2>&1",
                    Timeouts.PROTOCOL_CALL).stdout();
            String journal = execute("journalctl --no-pager -n 30 -u " + Shell.quote(unit) + " 2>&1",
                    Timeouts.PROTOCOL_CALL).stdout();
            return "\n--- systemctl status " + unit + " ---\n" + status.stripTrailing()
                    + "\n--- journal of " + unit + " (last 30 lines) ---\n" + journal.stripTrailing();
        } catch (RuntimeException e) {
            return "\n(unit status unavailable: " + e.getMessage() + ")";
        }
    }

    private static String outputEvidence(ExecResult result) {
        return "\n--- stdout (last " + OUTPUT_TAIL_LINES + " lines) ---\n" + tailOf(result.stdout())
                + "\n--- stderr (last " + OUTPUT_TAIL_LINES + " lines) ---\n" + tailOf(result.stderr());
    }

    private static String tailOf(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - OUTPUT_TAIL_LINES), lines.size()));
    }

    private static String brief(ExecResult result) {
        String out = (result.stdout() + result.stderr()).strip().replace('\n', ' ');
        return out.isEmpty() ? "" : ", output: " + (out.length() > 200 ? out.substring(0, 200) + "..." : out);
    }

    private String consoleEvidence() {
        return "\n--- serial console of " + name() + " (last " + EVIDENCE_LINES + " lines) ---\n"
                + String.join("\n", consoleTail(EVIDENCE_LINES));
    }

    private String qemuOutputEvidence() {
        List<String> lines = tail(qemuLog, 10);
        return lines.isEmpty() ? "" : "\n--- QEMU output ---\n" + String.join("\n", lines);
    }

    static List<String> tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int window = (int) Math.min(length, 256L * 1024);
            byte[] bytes = new byte[window];
            raf.seek(length - window);
            raf.readFully(bytes);
            String text = ANSI.matcher(new String(bytes, StandardCharsets.UTF_8)).replaceAll("").replace("\r", "");
            List<String> all = new ArrayList<>(Arrays.asList(text.split("\n", -1)));
            if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
                all.remove(all.size() - 1);
            }
            return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }

    @Override
    public String toString() {
        return "Machine[" + name() + ", " + state + "]";
    }
}
