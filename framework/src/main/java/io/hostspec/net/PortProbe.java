package io.hostspec.net;

import java.time.Duration;
import java.util.Objects;

/**
 * What one TCP connection attempt from a client guest saw.
 *
 * @param client  the client machine's name
 * @param target  the address connected to
 * @param port    the TCP port
 * @param verdict what happened
 * @param elapsed how long the attempt took, measured in the guest
 * @param output  the output of {@code nc -zv}, for evidence
 */
public record PortProbe(String client, String target, int port, Verdict verdict, Duration elapsed, String output) {

    /** The outcome of a connection attempt. */
    public enum Verdict {
        /** The connection was accepted. */
        OPEN,
        /** The target answered with a reset: nothing listens, or a firewall rejects with a reset. */
        REFUSED,
        /** An ICMP error came back (host or port unreachable, administratively prohibited). */
        REJECTED,
        /** Nothing came back within the connection bound: a firewall drops the packets. */
        DROPPED,
        /** The output matched none of the above (e.g. nc missing); proves nothing either way. */
        INCONCLUSIVE
    }

    /** Rejects nulls. */
    public PortProbe {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(elapsed, "elapsed");
        Objects.requireNonNull(output, "output");
    }

    /** @return a one-line description, e.g. {@code 198.18.1.11:6379 from client: REFUSED after 3 ms} */
    public String describe() {
        return target + ":" + port + " from " + client + ": " + verdict + " after " + elapsed.toMillis() + " ms"
                + (output.isBlank() ? "" : " (" + output.strip().replace('\n', ' ') + ")");
    }
}
