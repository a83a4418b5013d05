package io.hostspec.machine.internal;

import java.nio.file.Path;

/** The peer closed the socket (or it could not be opened): usually QEMU exited or the guest went away. */
public final class ChannelClosedException extends ChannelException {

    /**
     * @param socket  the unix socket
     * @param message what was being done when the socket closed
     * @param cause   the underlying failure, may be null
     */
    public ChannelClosedException(Path socket, String message, Throwable cause) {
        super(socket, message, cause);
    }
}
