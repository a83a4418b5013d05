package io.hostspec.machine;

import java.util.Optional;

/**
 * A machine did not do what was asked. The message carries the evidence: host, what was attempted, what was seen
 * (exit code, output tails, unit status) and the tail of the serial console.
 */
public class MachineException extends RuntimeException {

    private final String host;
    private final transient ExecResult result;

    /**
     * @param host    the machine's name
     * @param message the full message, evidence included
     * @param result  the command result that failed, or null
     * @param cause   the underlying failure, or null
     */
    public MachineException(String host, String message, ExecResult result, Throwable cause) {
        super(message, cause);
        this.host = host;
        this.result = result;
    }

    /** @return the machine's name */
    public String host() {
        return host;
    }

    /** @return the failing command's result, when a command failed */
    public Optional<ExecResult> result() {
        return Optional.ofNullable(result);
    }
}
