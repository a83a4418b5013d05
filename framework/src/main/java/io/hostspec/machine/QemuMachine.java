package io.hostspec.machine;

import io.hostspec.machine.internal.AccelerationProbe;
import io.hostspec.machine.internal.GuestAgent;
import io.hostspec.machine.internal.QemuCommand;
import io.hostspec.machine.internal.RunDirectory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The VM backend of {@link Machine}: one guest under QEMU, commands and files through its guest agent.
 *
 * <p>The first start restores the warm snapshot of its (image, hardware) ({@link WarmStart}) unless
 * {@code -Dhostspec.warm=false}, and returns once the agent answers; a cold start returns without waiting for the
 * guest. A machine that already ran (crashed, shut down, rebooted) always boots cold from its own overlay. Cold boots
 * and memory go through the lab's {@link Governor}. Locks, in the only order they are taken: the lifecycle ({@code
 * this}), then the agent ({@link AgentLink}), then the QMP connection ({@link QemuProcess}, a leaf). A thread holding
 * the agent never waits for the lifecycle (docs/architecture.md, "Machines: lifecycle and locks").
 */
final class QemuMachine implements Machine {

    private enum State { NEW, RUNNING, SHUT_DOWN, CRASHED, CLOSED }

    private final MachineSpec spec;
    private final Path overlay;
    private final QemuProcess qemu;
    private final Governor governor;
    private final Consumer<Machine> afterStart;
    private final WarmStart warm;
    private final AgentLink agent;
    private final Devices devices;
    // Released exactly once, by whoever takes it out first: the agent's first answer, a failed launch, a crash.
    private final AtomicReference<Governor.Grant> bootGrant = new AtomicReference<>();

    private volatile State state = State.NEW; // written under this
    private volatile StartKind lastStart; // written under this
    private volatile boolean hookPending; // written under this, read under the agent lock
    private Governor.Grant memoryGrant; // guarded by this

    QemuMachine(MachineSpec spec, RunDirectory run, Governor governor, Consumer<Machine> afterStart) {
        this.devices = new Devices(spec, run);
        List<String> args = new java.util.ArrayList<>(spec.extraQemuArgs());
        args.addAll(devices.qemuArgs());
        this.spec = spec.withExtraQemuArgs(args)
                .withKernelCmdlineExtra((spec.kernelCmdlineExtra() + " " + devices.kernelOptions()).strip());
        this.governor = governor;
        this.afterStart = afterStart;
        this.overlay = run.machineDirectory(spec.name()).resolve("disk.qcow2");
        this.qemu = new QemuProcess(spec.name(), run);
        this.warm = new WarmStart(this, qemu);
        this.agent = new AgentLink(spec.name(), qemu, this::failIfStopped, () -> Evidence.console(this));
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Backend backend() {
        return Backend.VM;
    }

    MachineSpec spec() {
        return spec;
    }

    Path overlay() {
        return overlay;
    }

    /** @return the file receiving the serial console (deleted when the lab closes) */
    Path consoleLog() {
        return qemu.consoleLog();
    }

    /** The pid of the current (or last) QEMU process. */
    @Override
    public OptionalLong pid() {
        return qemu.pid();
    }

    // ---------------------------------------------------------------- lifecycle (holds this)

    /**
     * Launches QEMU unless it runs: the first start restores the warm snapshot (returning once the agent answers);
     * otherwise, or with warm starts off, it boots cold from the machine's own overlay without waiting for the guest.
     */
    @Override
    public synchronized void start() {
        if (state == State.CLOSED) {
            throw new MachineException(name(), "[" + name() + "] is closed and cannot be started again", null, null);
        }
        if (state == State.RUNNING && qemu.isAlive()) {
            return;
        }
        // extra disks and a TPM keep state a warm snapshot does not hold: such machines always boot cold
        boolean warmStart = !Files.exists(overlay) && SnapshotCache.enabled() && spec.warmable();
        try (LogSection section = LogSection.open(name(), warmStart ? "warm start" : "launch QEMU")) {
            try {
                // Connections of a previous QEMU (crashed, killed or shut down) point at dead sockets.
                closeAgent();
                qemu.closeQmp();
                if (memoryGrant == null) {
                    memoryGrant = governor.reserveMemory(name(), spec.memoryMiB(), Timeouts.boot());
                }
                String accel = AccelerationProbe.accelerator(spec.image().kernel(), spec.image().initrd(),
                        overlay.getParent());
                String cmdline = WarmStart.kernelCmdline(spec, accel);
                if (warmStart) {
                    warm.start(accel, cmdline);
                } else {
                    Overlays.create(name(), overlay, spec.image().disk(), false);
                    launchCold(qemu.command(spec, accel, cmdline, overlay), true);
                }
            } catch (IOException | RuntimeException e) {
                throw section.failed(e instanceof MachineException me ? me
                        : new MachineException(name(), "[" + name() + "] cannot start: " + e.getMessage(), null, e));
            }
        }
    }

    // A cold boot holds a boot slot of the governor until the agent first answers (or the boot fails).
    void launchCold(QemuCommand command, boolean runHook) throws IOException {
        bootGrant.set(governor.bootSlot(name(), Timeouts.boot()));
        try {
            devices.prepare();
            qemu.launch(command);
            state = State.RUNNING;
        } catch (IOException | RuntimeException e) {
            releaseBootSlot();
            throw e;
        }
        lastStart = StartKind.COLD_BOOT;
        hookPending = runHook;
    }

    void launchRestored(QemuCommand command) throws IOException {
        hookPending = false;
        qemu.launch(command);
        state = State.RUNNING;
        lastStart = StartKind.RESTORED;
    }

    void releaseBootSlot() {
        Governor.Grant grant = bootGrant.getAndSet(null);
        if (grant != null) {
            grant.close();
        }
    }

    void runAfterStart() {
        hookPending = false;
        afterStart.accept(this);
    }

    @Override
    public Optional<StartKind> lastStart() {
        return Optional.ofNullable(lastStart);
    }

    /**
     * Reboots the guest and waits until its agent answers from the new boot. microvm cannot warm-reset, so QEMU exits
     * at the reset and is relaunched, cold, on the same overlay.
     */
    @Override
    public synchronized void reboot() {
        Reboots.reboot(this, () -> succeed("cat /proc/sys/kernel/random/boot_id").strip(), "the boot id", () -> {
            Process process = qemu.current();
            withAgent("requesting a reboot", a -> {
                a.shutdown("reboot");
                return null;
            });
            closeAgent();
            Wait.until(name(), "guest of " + name() + " goes down for reboot", "QEMU exiting with code 0 at the reset",
                    Timeouts.SHUTDOWN, () -> { }, remaining -> {
                        if (process.isAlive()) {
                            return Wait.Observation.notYet("QEMU still running (guest shutting down)");
                        }
                        if (process.exitValue() != 0) {
                            throw exited(process, " during the reboot", null);
                        }
                        return Wait.Observation.satisfied("QEMU exited with code 0");
                    }, () -> Evidence.console(this));
            start();
        });
    }

    /** Powers the guest off through its agent (else the ACPI button) and waits for QEMU to exit; kills it on timeout. */
    @Override
    public synchronized void shutdown() {
        if (!isRunning()) {
            return;
        }
        try (LogSection section = LogSection.open(name(), "shut down")) {
            Process process = qemu.current();
            try {
                boolean asked = agent.tryShutdown("powerdown");
                closeAgent();
                if (!asked) { // the ACPI power button
                    qemu.qmp().execute("system_powerdown", null, Timeouts.PROTOCOL_CALL);
                }
                Wait.until(name(), "QEMU of " + name() + " exits after power-off", "QEMU exited", Timeouts.SHUTDOWN,
                        () -> { }, remaining -> process.isAlive() ? Wait.Observation.notYet("QEMU still running")
                                : Wait.Observation.satisfied("exited with code " + process.exitValue()),
                        () -> Evidence.console(this));
            } catch (RuntimeException e) {
                QemuProcess.kill(process);
                throw section.failed(e instanceof MachineException ? e
                        : new MachineException(name(), "[" + name() + "] clean shutdown failed: " + e.getMessage()
                        + Evidence.console(this), null, e));
            } finally {
                state = State.SHUT_DOWN;
                qemu.closeQmp();
                devices.stopSwtpm();
            }
        }
    }

    /** Stops QEMU at once, like pulling the power cord. Does nothing unless running. */
    @Override
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

    @Override
    public boolean isRunning() {
        return state == State.RUNNING && qemu.isAlive();
    }

    /** Stops QEMU at once (no clean shutdown) and returns the governor's grants. Idempotent. */
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
    void stopQemu() {
        qemu.stop();
        devices.stopSwtpm();
        closeAgent();
    }

    // ---------------------------------------------------------------- the agent (holds the agent lock)

    /**
     * Waits until the guest agent answers (connecting lazily); starts the machine if it was never started. After a
     * cold boot, runs the after-start hook before other threads' commands get the agent.
     */
    @Override
    public void waitUntilReady(Duration timeout) {
        ensureRunning();
        agent.connect(timeout, this::releaseBootSlot, () -> {
            if (hookPending) {
                runAfterStart();
            }
        });
    }

    void closeAgent() {
        agent.close();
    }

    private <T> T withAgent(String action, Function<GuestAgent, T> call) {
        ensureRunning();
        return agent.call(action, call);
    }

    // Starts a never-started machine, and waits for a start, reboot or shutdown in progress on another thread, by
    // taking the lifecycle lock; skipped by a thread that holds it or the agent (lock order: this, then the agent).
    private void ensureRunning() {
        if (!Thread.holdsLock(this) && !Thread.holdsLock(agent)) {
            synchronized (this) {
                if (state == State.NEW) {
                    start();
                }
            }
        }
        State current = state;
        switch (current) {
            case NEW -> throw new MachineException(name(), "[" + name() + "] was never started", null, null);
            case SHUT_DOWN, CRASHED -> throw new MachineException(name(), "[" + name() + "] is not running: it was "
                    + (current == State.CRASHED ? "crashed" : "shut down") + "; start() boots it again"
                    + Evidence.console(this), null, null);
            case CLOSED -> throw new MachineException(name(), "[" + name() + "] is closed", null, null);
            case RUNNING -> failIfStopped();
        }
    }

    @Override
    public void failIfStopped() {
        Process process = qemu.current();
        if (state == State.RUNNING && process != null && !process.isAlive()) {
            throw exited(process, "", null);
        }
        if (state == State.RUNNING && process != null) {
            devices.swtpmFailure().ifPresent(failure -> {
                throw new MachineException(name(), "[" + name() + "] " + failure + Evidence.console(this), null, null);
            });
        }
    }

    private MachineException exited(Process process, String context, Throwable cause) {
        String tpm = devices.swtpmFailure().map(failure -> "\n" + failure).orElse("");
        return new MachineException(name(), qemu.exitDiagnosis(process, context) + tpm + Evidence.console(this), null,
                cause);
    }

    // ---------------------------------------------------------------- commands and files

    @Override
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

    @Override
    public byte[] readBytes(String path) {
        return withAgent("reading " + path, a -> a.readFile(path));
    }

    @Override
    public void writeFile(String path, byte[] content) {
        withAgent("writing " + path + " (" + content.length + " bytes)", a -> {
            a.writeFile(path, content);
            return null;
        });
    }

    @Override
    public List<String> consoleTail(int lines) {
        return Evidence.tail(qemu.consoleLog(), lines);
    }

    @Override
    public String toString() {
        return "Machine[" + name() + ", " + state + "]";
    }
}
