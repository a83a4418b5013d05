package io.hostspec.net;

import io.hostspec.machine.ExecResult;
import io.hostspec.machine.Machine;
import io.hostspec.machine.LogSection;
import io.hostspec.machine.Shell;
import io.hostspec.machine.Timeouts;
import io.hostspec.net.PortProbe.Verdict;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * TCP reachability between guests, observed from the client guest ({@code nc -z}); traffic never leaves the
 * virtual LANs. "Cannot reach" is only concluded when the client can reach the target at all (it answers ping;
 * hostspec's firewall always allows ICMP), so a broken client or LAN fails the assertion instead of passing it.
 */
public final class Reachability {

    private static final Pattern RESULT = Pattern.compile("hostspec-rc=(\\d+) ms=(-?\\d+)");

    private Reachability() {
    }

    /**
     * Waits until the client connects to the target's TCP port, retrying up to {@link Timeouts#waitDefault()}.
     *
     * @param client        the client guest
     * @param targetAddress the target's address (or a name the client resolves)
     * @param port          the TCP port
     * @return the successful attempt
     * @throws ReachabilityError on timeout, saying what the last attempt saw and whether the target answers ping
     */
    public static PortProbe canReach(Machine client, String targetAddress, int port) {
        return canReach(client, targetAddress, port, Timeouts.waitDefault());
    }

    /**
     * Waits until the client connects to the target's TCP port. Each attempt runs to its end (bounded by
     * {@link NetTimeouts#PROBE_COMMAND}), so the wait may overrun the timeout by one attempt.
     *
     * @param client        the client guest
     * @param targetAddress the target's address (or a name the client resolves)
     * @param port          the TCP port
     * @param timeout       the bound
     * @return the successful attempt
     * @throws ReachabilityError on timeout, saying what the last attempt saw and whether the target answers ping
     */
    public static PortProbe canReach(Machine client, String targetAddress, int port, Duration timeout) {
        String name = "TCP port " + port + " of " + targetAddress + " reachable from " + client.name();
        // Each try says, when it fails, whether the target answers ping: "closed" and "host down" read differently.
        String command = connectCommand(targetAddress, port) + "\ncase \"$out\" in *hostspec-rc=0*) ;; *) "
                + pingCommand(targetAddress) + " >/dev/null 2>&1 && echo 'target answers ping' "
                + "|| echo 'target does not answer ping';; esac";
        // Own Awaitility wait rather than Machine.waitForOutput: every try gets the full probe bound (the machine
        // layer would cut the last try short and report the cut instead of what the connection attempt saw).
        AtomicReference<String> lastSeen = new AtomicReference<>("(nothing: no attempt completed)");
        AtomicReference<String> output = new AtomicReference<>();
        AtomicInteger tries = new AtomicInteger();
        long start = System.nanoTime();
        try (LogSection section = LogSection.open(client.name(), name)) {
            try {
                Awaitility.await(name)
                        .atMost(timeout)
                        .pollInSameThread()
                        .pollDelay(Duration.ZERO)
                        .pollInterval(NetTimeouts.RETRY_INTERVAL)
                        .failFast(() -> {
                            if (!client.isRunning()) {
                                throw new ReachabilityError(client.name(), targetAddress, port, "[" + client.name()
                                        + "] stopped running while waiting for: " + name + "; last seen: "
                                        + lastSeen.get(), null);
                            }
                        })
                        .until(() -> {
                            ExecResult r = client.execute(command, NetTimeouts.PROBE_COMMAND);
                            tries.incrementAndGet();
                            lastSeen.set(r.stdout().strip().replace('\n', ' ')
                                    + (r.stderr().isBlank() ? "" : " stderr: " + r.stderr().strip()));
                            output.set(r.stdout());
                            return r.stdout().contains("hostspec-rc=0 ");
                        });
            } catch (TerminalFailureException e) {
                throw section.failed(e.getCause() instanceof ReachabilityError re ? re
                        : new ReachabilityError(client.name(), targetAddress, port, "[" + client.name()
                        + "] gave up waiting for: " + name + ": " + e.getMessage(), e));
            } catch (ConditionTimeoutException e) {
                throw section.failed(new ReachabilityError(client.name(), targetAddress, port, "[" + client.name()
                        + "] timed out after " + seconds(timeout) + " waiting for: " + name
                        + "\n  expected:  a TCP connection accepted (nc -z exit 0)"
                        + "\n  last seen: " + lastSeen.get() + " (" + tries.get() + " tries in "
                        + seconds(Duration.ofNanos(System.nanoTime() - start)) + ")"
                        + GuestNetwork.addresses(client), e));
            }
        }
        return parse(client.name(), targetAddress, port, output.get());
    }

    /**
     * Asserts that the client reaches the target (it answers ping) but not its TCP port: the connection is refused,
     * rejected or dropped within {@link NetTimeouts#CONNECT_ATTEMPT}.
     *
     * @param client        the client guest
     * @param targetAddress the target's address (or a name the client resolves)
     * @param port          the TCP port
     * @return the failed attempt (its verdict says refused, rejected or dropped)
     * @throws ReachabilityError when the client cannot reach the target at all (with the client's addresses), when
     *                           the port is open, or when the attempt proves nothing
     */
    public static PortProbe cannotReach(Machine client, String targetAddress, int port) {
        return cannotReach(client, targetAddress, port, NetTimeouts.PROBE_COMMAND);
    }

    /**
     * Like {@link #cannotReach(Machine, String, int)} with an explicit bound for each of its two guest commands.
     *
     * @param client        the client guest
     * @param targetAddress the target's address (or a name the client resolves)
     * @param port          the TCP port
     * @param commandBound  bound of the ping and of the connection attempt, each
     * @return the failed attempt
     * @throws ReachabilityError as {@link #cannotReach(Machine, String, int)}
     */
    public static PortProbe cannotReach(Machine client, String targetAddress, int port, Duration commandBound) {
        ExecResult ping = client.execute(pingCommand(targetAddress) + " 2>&1", commandBound);
        if (!ping.succeeded()) {
            throw new ReachabilityError(client.name(), targetAddress, port, "[" + client.name()
                    + "] cannot tell whether " + targetAddress + ":" + port + " is closed: the client cannot reach the "
                    + "target at all (`" + ping.command() + "` exited " + ping.exitCode() + ": "
                    + ping.stdout().strip().replace('\n', ' ') + "); the client or the LAN is broken"
                    + GuestNetwork.addresses(client), null);
        }
        ExecResult attempt = client.execute(connectCommand(targetAddress, port) + "\nprintf '%s\\n' \"$out\"",
                commandBound);
        PortProbe probe = parse(client.name(), targetAddress, port, attempt.stdout());
        switch (probe.verdict()) {
            case REFUSED, REJECTED, DROPPED -> {
                return probe;
            }
            case OPEN -> throw new ReachabilityError(client.name(), targetAddress, port, "[" + client.name()
                    + "] expected " + targetAddress + ":" + port + " to be unreachable, but the connection was "
                    + "accepted: " + probe.describe(), null);
            default -> throw new ReachabilityError(client.name(), targetAddress, port, "[" + client.name()
                    + "] the connection attempt to " + targetAddress + ":" + port + " proves nothing: "
                    + probe.describe() + GuestNetwork.output(attempt), null);
        }
    }

    // Sets $out to nc's output plus "hostspec-rc=N ms=M"; the time is measured in the guest.
    static String connectCommand(String address, int port) {
        long seconds = Math.max(1, NetTimeouts.CONNECT_ATTEMPT.toSeconds());
        return "t0=$(date +%s%N); out=$(nc -z -v -w " + seconds + " " + Shell.quote(address) + " " + port
                + " 2>&1); rc=$?; t1=$(date +%s%N); out=\"$out hostspec-rc=$rc ms=$(( (t1 - t0) / 1000000 ))\"; "
                + "echo \"$out\"";
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    static String pingCommand(String address) {
        return "ping -c 3 -i 0.2 -W 2 " + Shell.quote(address);
    }

    static PortProbe parse(String client, String target, int port, String output) {
        Matcher m = RESULT.matcher(output);
        if (!m.find()) {
            return new PortProbe(client, target, port, Verdict.INCONCLUSIVE, Duration.ZERO, output);
        }
        int rc = Integer.parseInt(m.group(1));
        Duration elapsed = Duration.ofMillis(Math.max(0, Long.parseLong(m.group(2))));
        String text = output.substring(0, m.start()).strip();
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        Verdict verdict;
        if (rc == 0) {
            verdict = Verdict.OPEN;
        } else if (lower.contains("refused")) {
            verdict = Verdict.REFUSED;
        } else if (lower.contains("unreachable") || lower.contains("no route to host")
                || lower.contains("prohibited")) {
            verdict = Verdict.REJECTED;
        } else if (lower.contains("timed out")) {
            verdict = Verdict.DROPPED;
        } else {
            verdict = Verdict.INCONCLUSIVE;
        }
        return new PortProbe(client, target, port, verdict, elapsed, text);
    }
}
