package io.hostspec.machine;

import io.hostspec.machine.internal.ChannelClosedException;
import io.hostspec.machine.internal.ChannelException;
import io.hostspec.machine.internal.ChannelTimeoutException;
import io.hostspec.machine.internal.GuestAgent;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The connection of a {@link QemuMachine} to its guest agent: one conversation at a time under its monitor (the
 * machine's agent lock), connected lazily and reconnected after it was lost, with the diagnosis of a failed call
 * (QEMU exited, timeout, closed socket). Code running under this monitor never waits for the machine's lifecycle lock.
 */
final class AgentLink {

    private final String host;
    private final QemuProcess qemu;
    private final Runnable failFast;
    private final Supplier<String> evidence;
    private GuestAgent agent; // guarded by this

    AgentLink(String host, QemuProcess qemu, Runnable failFast, Supplier<String> evidence) {
        this.host = host;
        this.qemu = qemu;
        this.failFast = failFast;
        this.evidence = evidence;
    }

    /**
     * Connects unless connected, waiting up to {@code timeout} for the agent to answer, then runs {@code connected}
     * (still holding the link, so other threads' calls wait for it). {@code onWaitEnd} runs when the wait ends, whatever
     * its outcome.
     */
    synchronized void connect(Duration timeout, Runnable onWaitEnd, Runnable connected) {
        if (agent != null) {
            return;
        }
        try (LogSection section = LogSection.open(host, "wait for the guest agent")) {
            try {
                Wait.until(host, "guest agent of " + host + " answers", "a reply to guest-sync-delimited",
                        timeout, failFast, remaining -> trySync(), evidence, Wait.Pace.PROTOCOL);
            } catch (RuntimeException e) {
                throw section.failed(e);
            } finally {
                onWaitEnd.run();
            }
        }
        connected.run();
    }

    /** Calls the agent, connecting first if needed (bounded by the boot timeout); a failure is diagnosed. */
    synchronized <T> T call(String action, Function<GuestAgent, T> call) {
        if (agent == null) {
            connect(Timeouts.boot(), () -> { }, () -> { });
        }
        try {
            return call.apply(agent);
        } catch (ChannelException e) {
            throw diagnose(action, e);
        }
    }

    /** Asks the connected agent to shut the guest down; false when there is no connection or it failed. */
    synchronized boolean tryShutdown(String mode) {
        if (agent == null) {
            return false;
        }
        try {
            agent.shutdown(mode);
            return true;
        } catch (ChannelException e) {
            return false;
        }
    }

    synchronized boolean isConnected() {
        return agent != null;
    }

    synchronized void close() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }

    // Leaves a synchronised agent in this.agent on success.
    private Wait.Observation trySync() {
        GuestAgent candidate = agent;
        try {
            if (candidate == null) {
                candidate = GuestAgent.connect(qemu.agentSocket(), Timeouts.PROTOCOL_CALL);
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

    private MachineException diagnose(String action, ChannelException e) {
        Process process = qemu.current();
        try {
            // A closed socket usually means QEMU is exiting; give it a moment so the message can say so.
            if (e instanceof ChannelClosedException && process != null) {
                process.waitFor(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        if (process != null && !process.isAlive()) {
            close();
            return new MachineException(host, qemu.exitDiagnosis(process, " while " + action) + evidence.get(),
                    null, e);
        }
        if (e instanceof ChannelClosedException) {
            close();
        }
        String what = e instanceof ChannelTimeoutException ? "no answer from the guest agent"
                : e instanceof ChannelClosedException ? "lost the guest agent connection" : "guest agent error";
        return new MachineException(host, "[" + host + "] " + what + " while " + action + ": " + e.getMessage()
                + evidence.get(), null, e);
    }
}
