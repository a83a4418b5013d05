package io.hostspec.net;

import io.hostspec.machine.ExecResult;
import io.hostspec.machine.Machine;
import io.hostspec.machine.MachineException;
import io.hostspec.machine.Shell;
import io.hostspec.machine.Timeouts;
import io.hostspec.net.PortProbe.Verdict;
import java.time.Duration;
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
     * Waits until the client connects to the target's TCP port.
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
        String output;
        try {
            output = client.waitForOutput(name, "a TCP connection accepted (nc -z exit 0)", command,
                    out -> out.contains("hostspec-rc=0 "), timeout);
        } catch (MachineException e) {
            throw new ReachabilityError(client.name(), targetAddress, port, "[" + client.name() + "] expected to reach "
                    + targetAddress + ":" + port + ", but could not: " + e.getMessage()
                    + GuestNetwork.addresses(client), e);
        }
        return parse(client.name(), targetAddress, port, output);
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
