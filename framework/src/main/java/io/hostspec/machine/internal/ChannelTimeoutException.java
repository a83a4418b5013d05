package io.hostspec.machine.internal;

import java.nio.file.Path;

/** A reply did not arrive within the call's timeout; the channel must be resynchronised before it is trusted again. */
public final class ChannelTimeoutException extends ChannelException {

    /**
     * @param socket  the unix socket
     * @param message what was awaited and for how long
     */
    public ChannelTimeoutException(Path socket, String message) {
        super(socket, message, null);
    }
}
