package io.hostspec.net;

import io.hostspec.machine.Closing;
import io.hostspec.machine.Machine;
import io.hostspec.net.NetworkPlan.HostNetwork;
import io.hostspec.net.NetworkPlan.Nic;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The running network of one scenario: one {@link VirtualLan} per LAN of its {@link NetworkPlan}. Gives each host
 * its QEMU arguments before boot and its identity after boot or restore. Close it after the machines on it;
 * {@link #close()} stops the switches in reverse order and keeps going past a failure.
 */
public final class VirtualNetwork implements AutoCloseable {

    private final NetworkPlan plan;
    private final Map<Integer, VirtualLan> lans;
    private volatile boolean closed;

    private VirtualNetwork(NetworkPlan plan, Map<Integer, VirtualLan> lans) {
        this.plan = plan;
        this.lans = lans;
    }

    /**
     * Starts a switch for every LAN of the plan.
     *
     * @param plan         the scenario's network
     * @param runDirectory the run's private directory (e.g. {@code Lab.runDirectory()})
     * @return the running network
     * @throws NetworkException when a switch does not start (those already started are stopped)
     */
    public static VirtualNetwork start(NetworkPlan plan, Path runDirectory) {
        Map<Integer, VirtualLan> lans = new LinkedHashMap<>();
        VirtualNetwork network = new VirtualNetwork(plan, Collections.unmodifiableMap(lans));
        try {
            for (int number : plan.lans()) {
                lans.put(number, VirtualLan.start(number, runDirectory));
            }
        } catch (RuntimeException e) {
            try {
                network.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return network;
    }

    /** @return the plan */
    public NetworkPlan plan() {
        return plan;
    }

    /** @return the running LANs in ascending number */
    public List<VirtualLan> lans() {
        return List.copyOf(lans.values());
    }

    /**
     * @param number a LAN number of the plan
     * @return its switch
     * @throws IllegalArgumentException when the plan has no such LAN
     */
    public VirtualLan lan(int number) {
        VirtualLan lan = lans.get(number);
        if (lan == null) {
            throw new IllegalArgumentException("no LAN " + number + " in this network; LANs: " + lans.keySet());
        }
        return lan;
    }

    /**
     * The QEMU arguments attaching a host to all its LANs, NICs in plan order (add them with
     * {@code MachineSpec.withExtraQemuArgs}).
     *
     * @param host a host of the plan
     * @return the arguments; empty for a host without LANs
     */
    public List<String> qemuArgs(String host) {
        List<String> args = new ArrayList<>();
        for (Nic nic : plan.host(host).nics()) {
            args.addAll(lan(nic.lan()).qemuArgs(nic));
        }
        return List.copyOf(args);
    }

    /**
     * Gives a running guest the identity of a planned host (after boot, and again after every restore).
     *
     * @param machine the guest
     * @param host    the planned host it plays
     * @throws NetworkException with evidence when it cannot be applied
     */
    public void configure(Machine machine, String host) {
        HostNetwork planned = plan.host(host);
        GuestNetwork.of(planned).applyTo(machine);
    }

    /**
     * Gives a running guest the identity of the planned host of the same name.
     *
     * @param machine the guest
     * @throws NetworkException with evidence when it cannot be applied
     */
    public void configure(Machine machine) {
        configure(machine, machine.name());
    }

    /** Stops every switch in reverse order; a failing stop does not stop the others. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Runnable> actions = new ArrayList<>();
        lans.values().forEach(lan -> actions.add(0, lan::close));
        Closing.all(actions);
    }
}
