package io.hostspec.machine;

import io.hostspec.machine.internal.QemuDevices;
import io.hostspec.machine.internal.QemuLauncher;
import io.hostspec.machine.internal.RunDirectory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The optional devices of one QEMU machine and the files and processes behind them: its extra disks (sparse raw files
 * in the machine's directory, created empty once and kept across reboots and crashes) and its TPM (an swtpm process per
 * QEMU launch on a state directory kept the same way). Everything lives in the machine's directory of the run, so it
 * is fresh for each scenario and deleted with it. swtpm is started by the launcher thread like QEMU (it dies with the
 * JVM) and recorded for the stale-run reaper; it ends by itself when its QEMU closes the connection.
 */
final class Devices {

    private final String host;
    private final MachineSpec spec;
    private final RunDirectory run;
    private final Path dir;
    private volatile Process swtpm;

    Devices(MachineSpec spec, RunDirectory run) {
        this.host = spec.name();
        this.spec = spec;
        this.run = run;
        this.dir = run.machineDirectory(spec.name());
    }

    /** @return the QEMU arguments of the extra disks and the TPM (empty for a machine without them) */
    List<String> qemuArgs() {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < spec.disks().size(); i++) {
            args.addAll(QemuDevices.disk(i, diskFile(i), spec.disks().get(i).serial()));
        }
        if (spec.tpm()) {
            args.addAll(QemuDevices.tpm(tpmSocket()));
        }
        return List.copyOf(args);
    }

    /** @return kernel options the devices need (the TPM's probe), empty without a TPM */
    String kernelOptions() {
        return spec.tpm() ? QemuDevices.TPM_KERNEL_OPTIONS : "";
    }

    /**
     * Prepares the devices for a QEMU launch: creates the disk files that do not exist yet (empty, sparse) and starts
     * the TPM's swtpm, waiting until its socket accepts QEMU.
     *
     * @throws IOException when a file cannot be created or swtpm does not start
     */
    void prepare() throws IOException {
        for (int i = 0; i < spec.disks().size(); i++) {
            Path file = diskFile(i);
            if (!Files.exists(file)) {
                try (RandomAccessFile raw = new RandomAccessFile(file.toFile(), "rw")) {
                    raw.setLength(spec.disks().get(i).sizeMiB() * 1024 * 1024);
                }
            }
        }
        if (spec.tpm()) {
            startSwtpm();
        }
    }

    private void startSwtpm() throws IOException {
        stopSwtpm(); // the last QEMU's swtpm ends with it; make sure, so two never share the state
        Path state = Files.createDirectories(dir.resolve("tpm"));
        Files.deleteIfExists(tpmSocket());
        Process process = QemuLauncher.instance().launch(QemuDevices.swtpm(state, tpmSocket(), swtpmLog()),
                swtpmLog());
        swtpm = process;
        run.recordQemu(process.toHandle());
        Wait.until(host, "swtpm of " + host + " listens", "its control socket " + tpmSocket(), Timeouts.PROTOCOL_CALL,
                () -> {
                    if (!process.isAlive()) {
                        throw new MachineException(host, "[" + host + "] " + swtpmExit(process), null, null);
                    }
                }, remaining -> Files.exists(tpmSocket()) ? Wait.Observation.satisfied("socket exists")
                        : Wait.Observation.notYet("no socket yet"), this::swtpmEvidence, Wait.Pace.PROTOCOL);
    }

    /**
     * The diagnosis of a TPM emulator that died (killed, crashed), empty when there is no TPM, it runs, or it ended
     * cleanly with its QEMU (exit code 0).
     */
    Optional<String> swtpmFailure() {
        Process process = swtpm;
        if (process == null || process.isAlive() || process.exitValue() == 0) {
            return Optional.empty();
        }
        return Optional.of(swtpmExit(process));
    }

    private String swtpmExit(Process process) {
        return "the TPM emulator of host " + host + " (swtpm, pid " + process.pid() + ") exited with code "
                + process.exitValue() + swtpmEvidence();
    }

    private String swtpmEvidence() {
        List<String> lines = Evidence.tail(swtpmLog(), 10);
        return lines.isEmpty() ? "" : "\n--- swtpm output ---\n" + String.join("\n", lines);
    }

    /** @return the pid of the current swtpm, if the machine has a TPM and it was started */
    Optional<Long> swtpmPid() {
        Process process = swtpm;
        return process == null ? Optional.empty() : Optional.of(process.pid());
    }

    /** Stops swtpm if it still runs (it normally ends with its QEMU). Idempotent. */
    void stopSwtpm() {
        Process process = swtpm;
        if (process != null && process.isAlive()) {
            process.destroy();
            QemuProcess.kill(process);
        }
    }

    private Path diskFile(int index) {
        return dir.resolve("disk" + index + "-" + spec.disks().get(index).serial() + ".raw");
    }

    private Path tpmSocket() {
        return dir.resolve("swtpm.sock");
    }

    private Path swtpmLog() {
        return dir.resolve("swtpm.log");
    }
}
