package io.hostspec.net;

import io.hostspec.machine.internal.QemuLauncher;
import io.hostspec.net.NetworkPlan.Nic;
import io.hostspec.net.internal.VdeSwitchCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One virtual Ethernet LAN: a {@code vde_switch} whose control directory lives in the run directory. It has no host
 * interface (no tap) and no route anywhere: only the guests plugged into it talk over it. The switch is started by
 * the machine layer's launcher thread under {@code setpriv --pdeathsig KILL} with its console held open, so it dies
 * with this JVM. {@link #close()} stops it; the owner closes it after the machines on it.
 */
public final class VirtualLan implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(VirtualLan.class);

    private final int number;
    private final VdeSwitchCommand command;
    private final Path log;
    private final Process process;
    private volatile boolean closed;

    private VirtualLan(int number, VdeSwitchCommand command, Path log, Process process) {
        this.number = number;
        this.command = command;
        this.log = log;
        this.process = process;
    }

    /**
     * Starts the switch of a LAN and waits (up to {@link NetTimeouts#SWITCH_START}) until its control socket exists.
     *
     * @param number       the LAN number, 1..{@value NetworkPlan#MAX_LAN}
     * @param runDirectory the run's private directory (e.g. {@code Lab.runDirectory()})
     * @return the running LAN
     * @throws NetworkException when the switch cannot be launched, exits, or creates no socket in time (with its log)
     */
    public static VirtualLan start(int number, Path runDirectory) {
        return start(number, runDirectory, NetTimeouts.SWITCH_START);
    }

    /**
     * Starts the switch of a LAN and waits until its control socket exists.
     *
     * @param number       the LAN number, 1..{@value NetworkPlan#MAX_LAN}
     * @param runDirectory the run's private directory
     * @param timeout      bound for the control socket to appear
     * @return the running LAN
     * @throws NetworkException when the switch cannot be launched, exits, or creates no socket in time (with its log)
     */
    public static VirtualLan start(int number, Path runDirectory, Duration timeout) {
        if (number < 1 || number > NetworkPlan.MAX_LAN) {
            throw new IllegalArgumentException("LAN number must be 1.." + NetworkPlan.MAX_LAN + ", got " + number);
        }
        VdeSwitchCommand command = new VdeSwitchCommand(runDirectory.resolve("vde-" + number),
                runDirectory.resolve("vde-" + number + ".mgmt"));
        Path log = runDirectory.resolve("vde-" + number + ".log");
        Process process;
        try {
            Files.writeString(log, "$ " + String.join(" ", command.toArgs()) + "\n");
            process = QemuLauncher.instance().launch(command.toArgs(), log, true);
        } catch (IOException e) {
            throw new NetworkException("cannot launch the switch of LAN " + number + " (`"
                    + String.join(" ", command.toArgs()) + "`): " + e.getMessage()
                    + "; is vde2 installed (`apt-get install vde2`)?", e);
        }
        VirtualLan lan = new VirtualLan(number, command, log, process);
        try {
            lan.awaitControlSocket(timeout);
        } catch (RuntimeException e) {
            lan.close();
            throw e;
        }
        LOG.info("LAN {}: vde_switch pid {} at {}", number, process.pid(), command.controlDirectory());
        return lan;
    }

    private void awaitControlSocket(Duration timeout) {
        Path ctl = command.controlSocket();
        String name = "control socket " + ctl + " of the switch of LAN " + number;
        try {
            Awaitility.await(name)
                    .atMost(timeout)
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(20))
                    .failFast(() -> {
                        if (!process.isAlive()) {
                            throw new NetworkException("the switch of LAN " + number + " exited with code "
                                    + process.exitValue() + " before creating " + ctl + logEvidence(), null);
                        }
                    })
                    .until(() -> Files.exists(ctl));
        } catch (TerminalFailureException e) {
            if (e.getCause() instanceof NetworkException terminal) {
                throw terminal;
            }
            throw new NetworkException("gave up waiting for " + name + ": " + e.getMessage() + logEvidence(), e);
        } catch (ConditionTimeoutException e) {
            throw new NetworkException("timed out after " + timeout.toMillis() + " ms waiting for " + name
                    + "\n  expected:  the socket to exist\n  last seen: no such file; switch "
                    + (process.isAlive() ? "running" : "exited") + logEvidence(), e);
        }
    }

    /** @return the LAN number */
    public int number() {
        return number;
    }

    /** @return the switch's control directory (QEMU's {@code sock=}) */
    public Path controlDirectory() {
        return command.controlDirectory();
    }

    /** @return the pid of the switch process */
    public long pid() {
        return process.pid();
    }

    /** @return whether the switch process is running */
    public boolean isRunning() {
        return process.isAlive();
    }

    /**
     * The QEMU arguments plugging one NIC into this LAN: a VDE netdev and a virtio-mmio NIC with the planned MAC.
     *
     * @param nic a NIC of this LAN
     * @return {@code -netdev vde,id=lanN,sock=DIR -device virtio-net-device,netdev=lanN,mac=MAC}
     * @throws IllegalArgumentException when the NIC belongs to another LAN
     */
    public List<String> qemuArgs(Nic nic) {
        if (nic.lan() != number) {
            throw new IllegalArgumentException("NIC " + nic + " is on LAN " + nic.lan() + ", not on LAN " + number);
        }
        String id = "lan" + number;
        return List.of("-netdev", "vde,id=" + id + ",sock=" + controlDirectory().toString().replace(",", ",,"),
                "-device", "virtio-net-device,netdev=" + id + ",mac=" + nic.mac());
    }

    /**
     * Stops the switch: closes its console (it exits cleanly, removing its sockets), and kills it by pid if it is
     * still running after {@link NetTimeouts#SWITCH_STOP}. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            process.getOutputStream().close();
            if (!process.waitFor(NetTimeouts.SWITCH_STOP.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(NetTimeouts.SWITCH_STOP.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        if (process.isAlive()) {
            throw new NetworkException("the switch of LAN " + number + " (pid " + process.pid()
                    + ") is still running after SIGKILL" + logEvidence(), null);
        }
    }

    private String logEvidence() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return "\n--- " + log + " (last lines) ---\n"
                    + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "\n(no switch log: " + e.getMessage() + ")";
        }
    }

    @Override
    public String toString() {
        return "LAN " + number + " (vde_switch pid " + process.pid() + ", " + controlDirectory() + ")";
    }
}
