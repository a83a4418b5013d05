package io.hostspec.machine.internal;

import java.nio.file.Path;

/**
 * A failure talking to QEMU over one of its unix sockets (QMP or the guest agent). Subclasses say why: the peer closed
 * the socket, the reply did not arrive in time, or the peer answered with an error.
 */
public class ChannelException extends RuntimeException {

    private final Path socket;

    /**
     * @param socket  the unix socket the failure happened on
     * @param message what went wrong
     * @param cause   the underlying failure, may be null
     */
    public ChannelException(Path socket, String message, Throwable cause) {
        super(message + " (socket " + socket + ")", cause);
        this.socket = socket;
    }

    /** @return the unix socket the failure happened on */
    public Path socket() {
        return socket;
    }
}
