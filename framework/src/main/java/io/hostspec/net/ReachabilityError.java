package io.hostspec.net;

/**
 * A reachability assertion failed. The message says what was expected, what was seen and carries the client's
 * addresses as evidence.
 */
public class ReachabilityError extends AssertionError {

    private final String client;
    private final String target;
    private final int port;

    /**
     * @param client  the client machine's name
     * @param target  the target address
     * @param port    the TCP port
     * @param message the full message, evidence included
     * @param cause   the underlying failure, or null
     */
    public ReachabilityError(String client, String target, int port, String message, Throwable cause) {
        super(message, cause);
        this.client = client;
        this.target = target;
        this.port = port;
    }

    /** @return the client machine's name */
    public String client() {
        return client;
    }

    /** @return the target address */
    public String target() {
        return target;
    }

    /** @return the TCP port */
    public int port() {
        return port;
    }
}
