package io.hostspec.machine.internal;

import java.nio.file.Path;

/** The peer answered a command with an {@code error} object ({@code class} and {@code desc} as QEMU sent them). */
public final class ProtocolErrorException extends ChannelException {

    private final String errorClass;

    /**
     * @param socket     the unix socket
     * @param command    the command that was refused
     * @param errorClass QEMU's error class, e.g. {@code GenericError}
     * @param desc       QEMU's description
     */
    public ProtocolErrorException(Path socket, String command, String errorClass, String desc) {
        super(socket, command + " failed: " + errorClass + ": " + desc, null);
        this.errorClass = errorClass;
    }

    /** @return QEMU's error class, e.g. {@code GenericError} or {@code CommandNotFound} */
    public String errorClass() {
        return errorClass;
    }
}
