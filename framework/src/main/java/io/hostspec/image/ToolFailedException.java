package io.hostspec.image;

import java.util.List;

/**
 * An external tool (mmdebstrap, mke2fs, qemu-img, chroot ...) exited with a non-zero status while building an image.
 * The message carries the evidence: the host, the command line, the exit code and the tail of its standard error.
 */
public class ToolFailedException extends ImageBuildException {

    private final List<String> command;
    private final int exitCode;
    private final String stderrTail;

    /**
     * @param host       the host whose image was being built
     * @param stage      the build stage that ran the tool
     * @param command    the command line
     * @param exitCode   its exit status
     * @param stderrTail the last lines of its standard error
     */
    public ToolFailedException(String host, String stage, List<String> command, int exitCode, String stderrTail) {
        super(host, stage, "command failed with exit code " + exitCode + ": " + String.join(" ", command)
                + "\n--- stderr (tail) ---\n" + stderrTail);
        this.command = List.copyOf(command);
        this.exitCode = exitCode;
        this.stderrTail = stderrTail;
    }

    /** The command line that failed. */
    public List<String> command() {
        return command;
    }

    /** The exit status of the command. */
    public int exitCode() {
        return exitCode;
    }

    /** The last lines the command wrote to standard error. */
    public String stderrTail() {
        return stderrTail;
    }
}
