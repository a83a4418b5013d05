package io.hostspec.machine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * One host of a scenario, whatever runs it: the backend-neutral contract every backend implements (a QEMU guest, a
 * systemd container), in the manner of testcontainers' {@code Startable} and the NixOS test driver's machine.
 *
 * <p>A backend implements the lifecycle ({@link #start()}, {@link #shutdown()}, {@link #crash()}, {@link #reboot()},
 * {@link #close()}), one way to run a command ({@link #execute(String, Duration)}), file transfer, the console tail and
 * {@link #failIfStopped()}. Everything else (the command verbs and the waits for units, ports, files, sockets and
 * output) is written once, above every backend, on the one retry primitive: each wait is named, bounded, stops at once
 * when the machine stops running and reports what it expected, what it last saw and the console's tail.
 *
 * <p>{@link #start()} is asynchronous and idempotent; the first command waits until the machine is ready (lazy
 * connect), and a machine that was never started is started by its first command. After {@link #shutdown()} or
 * {@link #crash()} commands fail until {@link #start()} boots it again from its own disk. {@link #close()} stops it
 * for good and releases what it holds. A machine is safe to use from several threads (see "Machines: lifecycle and
 * locks" in docs/architecture.md).
 */
public interface Machine extends AutoCloseable {

    /** How the machine's current (or last) run began. */
    enum StartKind {
        /** Booted its init from its disk (a kernel boot, or a container's systemd starting). */
        COLD_BOOT,
        /** Restored a warm snapshot. */
        RESTORED
    }

    /** @return the host name */
    String name();

    /** @return what runs this machine */
    Backend backend();

    /**
     * Starts the machine unless it runs. Idempotent; may return before the machine is ready.
     *
     * @throws MachineException when it cannot be started
     */
    void start();

    /**
     * Waits until the machine takes commands, starting it if it was never started.
     *
     * @param timeout the bound
     * @throws MachineException when it stops meanwhile (at once) or is not ready in time
     */
    void waitUntilReady(Duration timeout);

    /** @return how the current (or last) run began, empty before the first start */
    Optional<StartKind> lastStart();

    /**
     * Reboots cleanly and waits until the machine takes commands again from its new boot.
     *
     * @throws MachineException when it does not go down or come back in time
     */
    void reboot();

    /** Powers off cleanly and waits until it has stopped. Does nothing unless running. */
    void shutdown();

    /** Stops at once, like pulling the power cord. Its disk is kept for a later {@link #start()}. */
    void crash();

    /**
     * @return the host's pid of the process that is this machine (QEMU, or a container's init), empty before the first
     *         start; killing it is a crash the machine did not ask for
     */
    OptionalLong pid();

    /** @return whether the machine is running */
    boolean isRunning();

    /**
     * Throws when the machine stopped running on its own (not through {@link #shutdown()} or {@link #crash()}), with
     * how it ended: the fail-fast check of every wait.
     *
     * @throws MachineException with the exit diagnosis and the console tail
     */
    void failIfStopped();

    /**
     * Runs {@code /bin/sh -c command} and returns its result whatever the exit code.
     *
     * @param command a shell command
     * @param timeout bound for the command to finish
     * @return exit code, standard output and standard error
     * @throws MachineException when the command cannot be run or does not finish in time
     */
    ExecResult execute(String command, Duration timeout);

    /**
     * Reads a file as bytes.
     *
     * @param path absolute path
     * @return its content
     * @throws MachineException when it cannot be read
     */
    byte[] readBytes(String path);

    /**
     * Writes (creates or replaces) a file. The parent directory must exist.
     *
     * @param path    absolute path
     * @param content the bytes
     * @throws MachineException when it cannot be written
     */
    void writeFile(String path, byte[] content);

    /**
     * The last lines of the console (a VM's serial console, a container's output), control sequences removed. Never
     * throws: a stopped machine gives what was kept.
     *
     * @param lines how many lines
     * @return the lines, oldest first
     */
    List<String> consoleTail(int lines);

    /** Stops the machine at once and releases what it holds; it cannot be started again. Idempotent. */
    @Override
    void close();

    // ---------------------------------------------------------------- verbs written once, above every backend

    /**
     * Fails at once when this machine's backend cannot honour something.
     *
     * @param capability what a step or option needs
     * @throws UnsupportedOperationException naming the backend
     */
    default void require(Backend.Capability capability) {
        backend().require(name(), capability);
    }

    /**
     * Runs a command bounded by {@link Timeouts#COMMAND}.
     *
     * @param command a shell command
     * @return exit code and output
     */
    default ExecResult execute(String command) {
        return execute(command, Timeouts.COMMAND);
    }

    /**
     * Runs a command that must succeed.
     *
     * @param command a shell command
     * @return its standard output
     * @throws MachineException with exit code, output tails and console tail when it exits non-zero
     */
    default String succeed(String command) {
        return Waits.succeed(this, command);
    }

    /**
     * Runs a command that must fail (exit non-zero).
     *
     * @param command a shell command
     * @return its standard output
     * @throws MachineException with the output when it exits 0
     */
    default String fail(String command) {
        return Waits.fail(this, command);
    }

    /**
     * Retries a command until it exits 0.
     *
     * @param command a shell command
     * @param timeout the bound
     * @return the standard output of the succeeding run
     */
    default String waitUntilSucceeds(String command, Duration timeout) {
        return Waits.command(this, command, timeout, true);
    }

    /**
     * Retries a command until it exits non-zero.
     *
     * @param command a shell command
     * @param timeout the bound
     * @return the standard output of the failing run
     */
    default String waitUntilFails(String command, Duration timeout) {
        return Waits.command(this, command, timeout, false);
    }

    /**
     * Waits until a systemd unit is active; fails at once when it enters {@code failed}, is not found, or is inactive
     * with no job queued, with its status and journal.
     *
     * @param unit    unit name, e.g. {@code nginx.service}
     * @param timeout the bound
     */
    default void waitForUnit(String unit, Duration timeout) {
        Waits.unit(this, unit, timeout);
    }

    /**
     * @param unit unit name
     * @return its current {@code ActiveState} (active, inactive, failed, activating, ...)
     */
    default String unitState(String unit) {
        return succeed("systemctl show --property=ActiveState --value " + Shell.quote(unit)).strip();
    }

    /**
     * Waits until something listens on a TCP port (any address).
     *
     * @param port    the TCP port
     * @param timeout the bound
     */
    default void waitForOpenPort(int port, Duration timeout) {
        Waits.check(this, "TCP port " + port + " open on " + name(), "a listening socket on port " + port,
                "ss -Htln 'sport = :" + port + "' | grep -q .", timeout);
    }

    /**
     * Waits until nothing listens on a TCP port.
     *
     * @param port    the TCP port
     * @param timeout the bound
     */
    default void waitForClosedPort(int port, Duration timeout) {
        Waits.check(this, "TCP port " + port + " closed on " + name(), "no listening socket on port " + port,
                "! ss -Htln 'sport = :" + port + "' | grep -q .", timeout);
    }

    /**
     * Waits until a path exists.
     *
     * @param path    absolute path
     * @param timeout the bound
     */
    default void waitForFile(String path, Duration timeout) {
        Waits.check(this, "file " + path + " exists on " + name(), "the path to exist",
                "test -e " + Shell.quote(path), timeout);
    }

    /**
     * Waits until a unix socket at the path is listening.
     *
     * @param path    absolute path of the socket
     * @param timeout the bound
     */
    default void waitForOpenUnixSocket(String path, Duration timeout) {
        Waits.check(this, "unix socket " + path + " listening on " + name(), "a listening unix socket at the path",
                "test -S " + Shell.quote(path) + " && ss -Hxl | grep -qF -- " + Shell.quote(path + " "), timeout);
    }

    /**
     * Runs a command until its standard output is accepted. The failure says what was expected and the last output.
     *
     * @param name     the wait's name, e.g. {@code unix socket /run/x.sock on web}
     * @param expected what an accepted output looks like, in words
     * @param command  the shell command observing the machine
     * @param accept   decides whether an output satisfies the wait
     * @param timeout  the bound
     * @return the accepted output
     */
    default String waitForOutput(String name, String expected, String command, Predicate<String> accept,
                                 Duration timeout) {
        return Waits.output(this, name, expected, command, accept, timeout);
    }

    /**
     * Reads a file as UTF-8 text.
     *
     * @param path absolute path
     * @return its content
     */
    default String readFile(String path) {
        return new String(readBytes(path), StandardCharsets.UTF_8);
    }

    /**
     * Writes (creates or replaces) a file with UTF-8 text. The parent directory must exist.
     *
     * @param path    absolute path
     * @param content the text
     */
    default void writeFile(String path, String content) {
        writeFile(path, content.getBytes(StandardCharsets.UTF_8));
    }
}
