package io.hostspec.container;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import io.hostspec.machine.Backend;
import io.hostspec.machine.CommandLog;
import io.hostspec.machine.Evidence;
import io.hostspec.machine.ExecResult;
import io.hostspec.machine.LogSection;
import io.hostspec.machine.Machine;
import io.hostspec.machine.MachineException;
import io.hostspec.machine.Reboots;
import io.hostspec.machine.Shell;
import io.hostspec.machine.Timeouts;
import io.hostspec.realize.LabOnline;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.testcontainers.images.builder.Transferable;

/**
 * The container backend of {@link Machine}: a host as a systemd system container on the local Docker engine
 * ({@link SystemContainer}), commands and files through Docker exec. Its own disk is the container's writable layer:
 * {@link #shutdown()} and {@link #crash()} stop the container and keep it, {@link #start()} starts it again, and
 * {@link #close()} removes it. It shares the host's kernel, so it cannot honour kernel modules, a crash of the kernel,
 * a TPM or extra disks ({@link Backend#CONTAINER}). One lock, its monitor, around the lifecycle; commands take none.
 */
public final class ContainerMachine implements Machine {

    /**
     * What a container machine is.
     *
     * @param name       host name (also the container's hostname)
     * @param image      the engine's image ({@link ContainerImages#ensure})
     * @param endpoints  its LANs and planned addresses, in plan order
     * @param extraHosts its {@code /etc/hosts} entries, {@code NAME:ADDRESS}
     */
    public record Spec(String name, String image, List<ContainerNetwork.Endpoint> endpoints, List<String> extraHosts) {
        /** Copies the lists. */
        public Spec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(image, "image");
            endpoints = List.copyOf(endpoints);
            extraHosts = List.copyOf(extraHosts);
        }
    }

    private enum State { NEW, RUNNING, SHUT_DOWN, CRASHED, CLOSED }

    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static final Set<String> BOOTED = Set.of("running", "degraded", "starting", "maintenance", "stopping");

    private final Spec spec;
    private final ContainerEngine engine;
    private final SystemContainer container;
    private volatile State state = State.NEW; // written under this
    private volatile StartKind lastStart;
    private volatile String id;
    private volatile boolean ready; // systemd of the current start answered

    /**
     * A container machine, not started.
     *
     * @param engine the engine
     * @param spec   what it is
     */
    public ContainerMachine(ContainerEngine engine, Spec spec) {
        this.engine = engine;
        this.spec = spec;
        boolean cgroupV1 = !ContainerEngine.cgroupV2();
        this.container = new SystemContainer(engine, spec, "hostspec-" + ProcessHandle.current().pid() + "-"
                + spec.name() + "-" + SEQUENCE.incrementAndGet(), cgroupV1);
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public Backend backend() {
        return Backend.CONTAINER;
    }

    /** Creates and starts the container the first time, starts the kept container after a shutdown or crash. */
    @Override
    public synchronized void start() {
        if (state == State.CLOSED) {
            throw new MachineException(name(), "[" + name() + "] is closed and cannot be started again", null, null);
        }
        if (state == State.RUNNING && isRunning()) {
            return;
        }
        try (LogSection section = LogSection.open(name(), id == null ? "create and start container" : "start container")) {
            try {
                if (id == null) {
                    container.start();
                    id = container.getContainerId();
                } else {
                    engine.client().startContainerCmd(id).exec();
                }
                ready = false;
                state = State.RUNNING;
                lastStart = StartKind.COLD_BOOT;
            } catch (RuntimeException e) {
                throw section.failed(new MachineException(name(), "[" + name() + "] cannot start its container from "
                        + spec.image() + ": " + e.getMessage() + Evidence.console(this), null, e));
            }
        }
    }

    /**
     * Waits until systemd has finished early boot (it reports a state past {@code initializing}) and removes the
     * default route; once per start, later calls only check that the container still runs.
     */
    @Override
    public void waitUntilReady(Duration timeout) {
        ensureRunning();
        if (ready) {
            return;
        }
        waitForOutput("systemd of " + name() + " booted", "systemctl is-system-running past initializing",
                "systemctl is-system-running 2>&1", out -> BOOTED.contains(out.strip()), timeout);
        // Docker routes an internal network's gateway as the default (and drops what goes there): no route at all,
        // as on a VM's LAN, so the kernel refuses traffic to the outside before a packet leaves.
        succeed("ip -4 route show default | grep -q . && ip -4 route del default; true");
        // The container has its address from the start: what waits for the lab's network (ACME, the lab CA) may go.
        succeed("if [ -f /etc/systemd/system/" + LabOnline.TARGET + " ]; then systemctl start --no-block "
                + LabOnline.TARGET + "; fi");
        ready = true;
    }

    @Override
    public Optional<StartKind> lastStart() {
        return Optional.ofNullable(lastStart);
    }

    /** Stops systemd cleanly and starts the container again; the new boot is told by the container's start time. */
    @Override
    public synchronized void reboot() {
        Reboots.reboot(this, () -> {
            ensureRunning();
            return inspect().getState().getStartedAt();
        }, "the container's start time", () -> {
            engine.client().stopContainerCmd(id).withTimeout((int) Timeouts.SHUTDOWN.toSeconds()).exec();
            ready = false;
            engine.client().startContainerCmd(id).exec();
        });
    }

    /** Halts systemd (SIGRTMIN+3) and waits for the container to stop; Docker kills it after {@link Timeouts#SHUTDOWN}. */
    @Override
    public synchronized void shutdown() {
        if (!isRunning()) {
            return;
        }
        try (LogSection section = LogSection.open(name(), "shut down")) {
            try {
                engine.client().stopContainerCmd(id).withTimeout((int) Timeouts.SHUTDOWN.toSeconds()).exec();
            } catch (DockerException e) {
                throw section.failed(new MachineException(name(), "[" + name() + "] clean shutdown failed: "
                        + e.getMessage() + Evidence.console(this), null, e));
            } finally {
                state = State.SHUT_DOWN;
            }
        }
    }

    /** Kills the container's init (SIGKILL): no clean shutdown. The container and its disk are kept. */
    @Override
    public synchronized void crash() {
        if (!isRunning()) {
            return;
        }
        try (LogSection section = LogSection.open(name(), "crash")) {
            state = State.CRASHED;
            engine.client().killContainerCmd(id).exec();
        }
    }

    @Override
    public OptionalLong pid() {
        if (id == null) {
            return OptionalLong.empty();
        }
        Long pid = inspect().getState().getPidLong();
        return pid == null || pid == 0 ? OptionalLong.empty() : OptionalLong.of(pid);
    }

    @Override
    public boolean isRunning() {
        if (id == null || state != State.RUNNING) {
            return false;
        }
        try {
            return Boolean.TRUE.equals(inspect().getState().getRunning());
        } catch (DockerException e) {
            return false;
        }
    }

    @Override
    public void failIfStopped() {
        if (state == State.RUNNING && id != null && !isRunning()) {
            Long code;
            try {
                code = inspect().getState().getExitCodeLong();
            } catch (DockerException e) {
                code = null;
            }
            throw new MachineException(name(), "the container of host " + name() + " exited with code " + code
                    + Evidence.console(this), null, null);
        }
    }

    /** Removes the container (and its writable layer). Idempotent. */
    @Override
    public synchronized void close() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.CLOSED;
        if (container.getContainerId() != null) {
            container.stop();
        }
    }

    private InspectContainerResponse inspect() {
        return engine.client().inspectContainerCmd(id).exec();
    }

    // Starts a never-started machine (waiting for a start in progress); fails for a stopped one.
    private void ensureRunning() {
        if (state == State.NEW) {
            synchronized (this) {
                if (state == State.NEW) {
                    start();
                }
            }
        }
        State current = state;
        switch (current) {
            case SHUT_DOWN, CRASHED -> throw new MachineException(name(), "[" + name() + "] is not running: it was "
                    + (current == State.CRASHED ? "crashed" : "shut down") + "; start() starts it again"
                    + Evidence.console(this), null, null);
            case CLOSED -> throw new MachineException(name(), "[" + name() + "] is closed", null, null);
            default -> failIfStopped();
        }
    }

    // ---------------------------------------------------------------- commands and files

    @Override
    public ExecResult execute(String command, Duration timeout) {
        long start = System.nanoTime();
        Output out = exec(List.of("/bin/sh", "-c", command), timeout, "running `" + command + "`");
        ExecResult result = new ExecResult(command, out.exitCode(), out.stdout().toString(StandardCharsets.UTF_8),
                out.stderr().toString(StandardCharsets.UTF_8), Duration.ofNanos(System.nanoTime() - start));
        CommandLog.finished(name(), result);
        return result;
    }

    @Override
    public byte[] readBytes(String path) {
        Output out = exec(List.of("cat", "--", path), Timeouts.COMMAND, "reading " + path);
        if (out.exitCode() != 0) {
            throw new MachineException(name(), "[" + name() + "] cannot read " + path + ": "
                    + out.stderr().toString(StandardCharsets.UTF_8).strip(), null, null);
        }
        return out.stdout().toByteArray();
    }

    // Docker's archive API cannot write into tmpfs mounts (/run): the bytes land in the writable layer first and are
    // moved into place by a command in the container, which keeps the mode of a file it replaces.
    @Override
    public void writeFile(String path, byte[] content) {
        ensureRunning();
        String staged = "/var/tmp/.hostspec-upload-" + SEQUENCE.incrementAndGet();
        try {
            container.copyFileToContainer(Transferable.of(content), staged);
        } catch (RuntimeException e) {
            throw new MachineException(name(), "[" + name() + "] cannot write " + path + " (" + content.length
                    + " bytes): " + e.getMessage(), null, e);
        }
        ExecResult moved = execute("cat " + Shell.quote(staged) + " > " + Shell.quote(path) + "; rc=$?; rm -f "
                + Shell.quote(staged) + "; exit $rc", Timeouts.COMMAND);
        if (!moved.succeeded()) {
            throw new MachineException(name(), "[" + name() + "] cannot write " + path + Evidence.output(moved),
                    moved, null);
        }
    }

    @Override
    public List<String> consoleTail(int lines) {
        if (id == null) {
            return List.of();
        }
        Output out = new Output();
        try {
            var logs = engine.client().logContainerCmd(id).withStdOut(true).withStdErr(true);
            (lines == Integer.MAX_VALUE ? logs.withTailAll() : logs.withTail(lines)).exec(out.callback())
                    .awaitCompletion(Timeouts.PROTOCOL_CALL.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            return List.of("(console unavailable: " + e.getMessage() + ")");
        }
        return Evidence.lastLines(out.stdout().toString(StandardCharsets.UTF_8)
                + out.stderr().toString(StandardCharsets.UTF_8), lines);
    }

    private Output exec(List<String> argv, Duration timeout, String action) {
        ensureRunning();
        Output out = new Output();
        try {
            String exec = engine.client().execCreateCmd(id).withCmd(argv.toArray(String[]::new))
                    .withAttachStdout(true).withAttachStderr(true).exec().getId();
            boolean done = engine.client().execStartCmd(exec).exec(out.callback())
                    .awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                throw new MachineException(name(), "[" + name() + "] did not finish within "
                        + timeout.toSeconds() + " s while " + action + Evidence.console(this), null, null);
            }
            Long code = engine.client().inspectExecCmd(exec).exec().getExitCodeLong();
            out.exitCode = code == null ? -1 : code.intValue();
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MachineException(name(), "[" + name() + "] interrupted while " + action, null, e);
        } catch (DockerException e) {
            failIfStopped();
            throw new MachineException(name(), "[" + name() + "] Docker exec failed while " + action + ": "
                    + e.getMessage() + Evidence.console(this), null, e);
        }
    }

    /** What an exec or a log printed, by stream. */
    private static final class Output {
        private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        private int exitCode;

        ResultCallback.Adapter<Frame> callback() {
            return new ResultCallback.Adapter<>() {
                @Override
                public void onNext(Frame frame) {
                    synchronized (Output.this) {
                        (frame.getStreamType() == StreamType.STDERR ? stderr : stdout).writeBytes(frame.getPayload());
                    }
                }
            };
        }

        synchronized ByteArrayOutputStream stdout() {
            return stdout;
        }

        synchronized ByteArrayOutputStream stderr() {
            return stderr;
        }

        int exitCode() {
            return exitCode;
        }
    }

    @Override
    public String toString() {
        return "ContainerMachine[" + name() + ", " + state + "]";
    }
}
