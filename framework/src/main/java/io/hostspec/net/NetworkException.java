package io.hostspec.net;

/**
 * A virtual network could not be set up: a switch did not start, or a guest could not be given its addresses. The
 * message carries the evidence (the switch's log, the guest's links and addresses, the script's output).
 */
public class NetworkException extends RuntimeException {

    /**
     * @param message the full message, evidence included
     * @param cause   the underlying failure, or null
     */
    public NetworkException(String message, Throwable cause) {
        super(message, cause);
    }
}
