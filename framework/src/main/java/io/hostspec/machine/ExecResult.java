package io.hostspec.machine;

import java.time.Duration;
import java.util.Objects;

/**
 * The outcome of one command run in a guest.
 *
 * @param command  the shell command as given
 * @param exitCode its exit code (-1 when killed by a signal)
 * @param stdout   its standard output, UTF-8 decoded
 * @param stderr   its standard error, UTF-8 decoded
 * @param duration wall time from request to observed exit
 */
public record ExecResult(String command, int exitCode, String stdout, String stderr, Duration duration) {

    /** Rejects nulls. */
    public ExecResult {
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(stdout, "stdout");
        Objects.requireNonNull(stderr, "stderr");
        Objects.requireNonNull(duration, "duration");
    }

    /** @return whether the exit code is 0 */
    public boolean succeeded() {
        return exitCode == 0;
    }
}
