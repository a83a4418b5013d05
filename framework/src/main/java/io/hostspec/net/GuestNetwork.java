package io.hostspec.net;

import io.hostspec.machine.ExecResult;
import io.hostspec.machine.Machine;
import io.hostspec.net.NetworkPlan.HostNetwork;
import io.hostspec.net.internal.GuestScript;
import java.util.Objects;

/**
 * Gives a running guest its planned network identity through the guest agent: MACs, addresses, hostname and the
 * hostspec block of {@code /etc/hosts}. Apply it after boot and after every snapshot restore (a restored guest still
 * has the identity of the guest the snapshot was taken from). Applying twice changes nothing the second time.
 *
 * @param host the host's planned network
 */
public record GuestNetwork(HostNetwork host) {

    /** Rejects null. */
    public GuestNetwork {
        Objects.requireNonNull(host, "host");
    }

    /**
     * @param host the host's planned network
     * @return its guest network
     */
    public static GuestNetwork of(HostNetwork host) {
        return new GuestNetwork(host);
    }

    /** @return the idempotent shell script that applies the identity */
    public String script() {
        return GuestScript.apply(host);
    }

    /** @return the shell script that checks the identity (exit 0 iff every address is on its interface) */
    public String checkScript() {
        return GuestScript.verify(host);
    }

    /**
     * Applies the identity, then checks it as {@link #verify(Machine)} does, in one guest command.
     *
     * @param machine the running guest (its name need not match: a restored snapshot may carry another)
     * @throws NetworkException with the script's output and the guest's links and addresses when it fails
     */
    public void applyTo(Machine machine) {
        ExecResult result = machine.execute(GuestScript.applyAndVerify(host), NetTimeouts.CONFIGURE);
        if (result.succeeded()) {
            return;
        }
        int checked = result.stdout().indexOf(GuestScript.CHECKING);
        if (checked >= 0) {
            ExecResult check = new ExecResult(result.command(), result.exitCode(),
                    result.stdout().substring(checked + GuestScript.CHECKING.length()).strip(), result.stderr(),
                    result.duration());
            throw notInPlace(machine, check);
        }
        throw new NetworkException("[" + machine.name() + "] could not apply the network of " + host.name()
                + ": the script exited " + result.exitCode()
                + (result.exitCode() == GuestScript.NO_INTERFACE ? " (a NIC has no interface in the guest)" : "")
                + output(result) + addresses(machine) + "\n--- script ---\n" + script(), null);
    }

    /**
     * Checks that every planned address is on the interface with the planned MAC, that interface is up, and the
     * hostname is the planned one.
     *
     * @param machine the running guest
     * @return the check's report, one {@code OK} line per item
     * @throws NetworkException listing what is missing, with the guest's links and addresses
     */
    public String verify(Machine machine) {
        ExecResult result = machine.execute(checkScript(), NetTimeouts.CONFIGURE);
        if (!result.succeeded()) {
            throw notInPlace(machine, result);
        }
        return result.stdout();
    }

    private NetworkException notInPlace(Machine machine, ExecResult check) {
        return new NetworkException("[" + machine.name() + "] the network of " + host.name()
                + " is not in place (exit " + check.exitCode() + "):" + output(check) + addresses(machine), null);
    }

    static String output(ExecResult result) {
        return (result.stdout().isBlank() ? "" : "\n--- stdout ---\n" + result.stdout().strip())
                + (result.stderr().isBlank() ? "" : "\n--- stderr ---\n" + result.stderr().strip());
    }

    /** Best effort: evidence must not hide the original failure. */
    static String addresses(Machine machine) {
        try {
            ExecResult r = machine.execute("ip -o link show; ip -o addr show", NetTimeouts.PROBE_COMMAND);
            return "\n--- ip link / ip addr of " + machine.name() + " ---\n" + r.stdout().strip();
        } catch (RuntimeException e) {
            return "\n(ip addr of " + machine.name() + " unavailable: " + e.getMessage() + ")";
        }
    }
}
