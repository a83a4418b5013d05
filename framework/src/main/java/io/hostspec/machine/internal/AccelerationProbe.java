package io.hostspec.machine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses KVM or TCG. {@code /dev/kvm} existing (or even answering ioctls) proves nothing here, so KVM is chosen only
 * when a tiny KVM guest (the real kernel and initrd, no disk) reaches {@code /init} within {@link #DEADLINE}.
 * The result is cached for the JVM and said once in the log. The system property {@code hostspec.accel}
 * ({@code kvm} or {@code tcg}) skips the probe.
 */
public final class AccelerationProbe {

    /** How long the KVM guest gets to reach the initramfs. Under working KVM it takes well under a second. */
    public static final Duration DEADLINE = Duration.ofSeconds(10);
    private static final String SIGN = "Run /init as init process";
    private static final Logger LOG = LoggerFactory.getLogger(AccelerationProbe.class);
    private static volatile Decision chosen;

    /**
     * The accelerator chosen and why.
     *
     * @param accelerator {@code kvm} or {@code tcg}
     * @param reason      what decided it, e.g. "a KVM guest did not reach /init within 10 s"
     */
    public record Decision(String accelerator, String reason) {
    }

    private AccelerationProbe() {
    }

    /**
     * Returns the accelerator to use, probing once per JVM.
     *
     * @param kernel  a guest kernel
     * @param initrd  its initrd
     * @param workDir a private directory for the probe's console log
     * @return {@code kvm} or {@code tcg}
     */
    public static String accelerator(Path kernel, Path initrd, Path workDir) {
        return decision(kernel, initrd, workDir).accelerator();
    }

    /**
     * Like {@link #accelerator}, with the reason for the choice (what {@code ./hostspec doctor} prints).
     *
     * @param kernel  a guest kernel
     * @param initrd  its initrd
     * @param workDir a private directory for the probe's console log
     * @return the accelerator and why
     */
    public static Decision decision(Path kernel, Path initrd, Path workDir) {
        Decision result = chosen;
        if (result == null) {
            synchronized (AccelerationProbe.class) {
                if (chosen == null) {
                    chosen = decide(kernel, initrd, workDir);
                }
                result = chosen;
            }
        }
        return result;
    }

    private static Decision decide(Path kernel, Path initrd, Path workDir) {
        String forced = System.getProperty("hostspec.accel", "").strip();
        Decision d;
        if (forced.equals("kvm") || forced.equals("tcg")) {
            d = new Decision(forced, "forced by -Dhostspec.accel");
        } else if (!Files.isReadable(Path.of("/dev/kvm")) || !Files.isWritable(Path.of("/dev/kvm"))) {
            d = new Decision("tcg", "no usable /dev/kvm");
        } else {
            String why = probeKvm(kernel, initrd, workDir);
            d = why == null
                    ? new Decision("kvm", "a KVM probe guest reached /init within " + DEADLINE.toSeconds() + " s")
                    : new Decision("tcg", "the KVM probe failed: " + why);
        }
        LOG.info("Acceleration: {} ({}){}", d.accelerator().toUpperCase(), d.reason(),
                d.accelerator().equals("tcg") ? "; guests boot slowly" : "");
        return d;
    }

    /** @return null when KVM works, else why not */
    private static String probeKvm(Path kernel, Path initrd, Path workDir) {
        Path console = workDir.resolve("kvm-probe.console.log");
        Path output = workDir.resolve("kvm-probe.qemu.log");
        Process process;
        try {
            Files.deleteIfExists(console);
            process = QemuLauncher.instance().launch(List.of(QemuCommand.BINARY,
                    "-M", "microvm,acpi=on", "-accel", "kvm", "-cpu", "max", "-m", "256", "-smp", "1",
                    "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
                    "-kernel", kernel.toString(), "-initrd", initrd.toString(),
                    "-append", "console=ttyS0 panic=-1",
                    "-serial", "file:" + console), output);
        } catch (IOException e) {
            return "cannot start QEMU: " + e.getMessage();
        }
        try {
            Awaitility.await("KVM probe guest reaches /init")
                    .atMost(DEADLINE)
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(100))
                    .failFast("QEMU exited", () -> !process.isAlive())
                    .until(() -> Files.exists(console) && Files.readString(console, java.nio.charset.StandardCharsets.ISO_8859_1).contains(SIGN));
            return null;
        } catch (ConditionTimeoutException e) {
            return "the guest did not reach /init within " + DEADLINE.toSeconds() + " s";
        } catch (org.awaitility.core.TerminalFailureException e) {
            return "QEMU exited with code " + process.exitValue() + ": " + lastLine(output);
        } finally {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static String lastLine(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return lines.stream().filter(l -> l.contains("error")).findFirst()
                    .orElse(lines.isEmpty() ? "(no output)" : lines.get(lines.size() - 1));
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
