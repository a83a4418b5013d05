package io.hostspec.machine;

import io.hostspec.machine.internal.ClockPort;
import io.hostspec.machine.internal.Qmp;
import io.hostspec.machine.internal.QemuCommand;
import io.hostspec.machine.internal.QemuLauncher;
import io.hostspec.machine.internal.RunDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The QEMU process of one machine: its files in the run directory (QMP and agent sockets, clock FIFOs, serial console,
 * QEMU's own output), launch, stop and the diagnosis of an exit. Its monitor guards only the QMP connection and is a
 * leaf lock: nothing is called out to while it is held.
 */
final class QemuProcess {

    private final String host;
    private final RunDirectory run;
    private final Path qmpSocket;
    private final Path agentSocket;
    private final Path clockPipe;
    private final ClockPort clockPort;
    private final Path consoleLog;
    private final Path qemuLog;

    private volatile Process process;
    private Qmp qmp; // guarded by this

    QemuProcess(String host, RunDirectory run) {
        this.host = host;
        this.run = run;
        Path dir = run.machineDirectory(host);
        this.qmpSocket = dir.resolve("qmp.sock");
        this.agentSocket = dir.resolve("qga.sock");
        this.clockPipe = dir.resolve("clock");
        this.clockPort = new ClockPort(clockPipe);
        this.consoleLog = dir.resolve("console.log");
        this.qemuLog = dir.resolve("qemu.log");
    }

    /** The command line of this machine's QEMU booting {@code disk}. */
    QemuCommand command(MachineSpec spec, String accel, String cmdline, Path disk) {
        return new QemuCommand(accel, spec.memoryMiB(), spec.cores(), spec.image().kernel(), spec.image().initrd(),
                cmdline, disk, qmpSocket, agentSocket, clockPipe, consoleLog, spec.extraQemuArgs(), Optional.empty());
    }

    /** Launches QEMU through the launcher thread (it dies with the JVM) and records its pid for the stale-run reaper. */
    void launch(QemuCommand command) throws IOException {
        Files.deleteIfExists(qmpSocket);
        Files.deleteIfExists(agentSocket);
        // closing our ends discards whatever an earlier QEMU left unread in the FIFOs (a stale clock request)
        clockPort.close();
        clockPort.createFifos();
        Files.writeString(qemuLog, "$ " + String.join(" ", command.toArgs()) + "\n",
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        process = QemuLauncher.instance().launch(command.toArgs(), qemuLog);
        run.recordQemu(process.toHandle());
    }

    /** @return the current (or last) QEMU, null before the first launch */
    Process current() {
        return process;
    }

    /** @return whether QEMU runs */
    boolean isAlive() {
        Process qemu = process;
        return qemu != null && qemu.isAlive();
    }

    /** @return the pid of the current (or last) QEMU */
    OptionalLong pid() {
        Process qemu = process;
        return qemu == null ? OptionalLong.empty() : OptionalLong.of(qemu.pid());
    }

    /** @return the socket QEMU listens on for the guest agent */
    Path agentSocket() {
        return agentSocket;
    }

    /** @return the guest's clock port */
    ClockPort clock() {
        return clockPort;
    }

    /** @return the file receiving the serial console */
    Path consoleLog() {
        return consoleLog;
    }

    /** The exit diagnosis: the exit code, what the machine was doing ({@code context}) and QEMU's last output. */
    String exitDiagnosis(Process qemu, String context) {
        return "QEMU of host " + host + " exited with code " + qemu.exitValue() + context + outputEvidence();
    }

    /** @return QEMU's own last output lines under a heading, empty when it printed nothing */
    String outputEvidence() {
        List<String> lines = Evidence.tail(qemuLog, 10);
        return lines.isEmpty() ? "" : "\n--- QEMU output ---\n" + String.join("\n", lines);
    }

    /** The QMP connection, opened on first use. */
    synchronized Qmp qmp() {
        if (qmp == null || !qmp.isOpen()) {
            qmp = Qmp.connect(qmpSocket, Timeouts.PROTOCOL_CALL);
        }
        return qmp;
    }

    /** Closes the QMP connection (it points at a dead socket once QEMU exits). */
    synchronized void closeQmp() {
        if (qmp != null) {
            qmp.close();
            qmp = null;
        }
    }

    /** Stops QEMU at once (QMP quit, else kill) and closes QMP and the clock port. Idempotent. */
    void stop() {
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
        clockPort.close();
    }

    /** Waits up to {@link Timeouts#KILL} for QEMU to exit, then kills it. */
    static void kill(Process qemu) {
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
}
