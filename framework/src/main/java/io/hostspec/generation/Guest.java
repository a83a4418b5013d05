package io.hostspec.generation;

import io.hostspec.machine.ExecResult;
import io.hostspec.machine.Machine;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * What a {@link GenerationHistory} needs of a running guest: commands, files and one named wait. A {@link Machine}
 * in production ({@link #of(Machine)}); a fake in unit tests, which is why this is an interface and not the machine.
 */
interface Guest {

    /** The host's name, for messages. */
    String name();

    /** Runs a command and returns its outcome, whatever its exit code (see {@link Machine#execute}). */
    ExecResult execute(String command, Duration timeout);

    /** Runs a command that must succeed and returns its output (see {@link Machine#succeed}). */
    String succeed(String command);

    /** Writes a file of the guest (see {@link Machine#writeFile(String, byte[])}). */
    void writeFile(String path, byte[] content);

    /** Writes a text file of the guest, UTF-8. */
    default void writeFile(String path, String content) {
        writeFile(path, content.getBytes(StandardCharsets.UTF_8));
    }

    /** A named, bounded wait for a command's output (see {@link Machine#waitForOutput}). */
    String waitForOutput(String name, String expected, String command, Predicate<String> accept, Duration timeout);

    /**
     * The guest of a machine.
     *
     * @param machine a machine
     * @return a view delegating every call to it
     */
    static Guest of(Machine machine) {
        return new Guest() {
            @Override
            public String name() {
                return machine.name();
            }

            @Override
            public ExecResult execute(String command, Duration timeout) {
                return machine.execute(command, timeout);
            }

            @Override
            public String succeed(String command) {
                return machine.succeed(command);
            }

            @Override
            public void writeFile(String path, byte[] content) {
                machine.writeFile(path, content);
            }

            @Override
            public String waitForOutput(String name, String expected, String command, Predicate<String> accept,
                                        Duration timeout) {
                return machine.waitForOutput(name, expected, command, accept, timeout);
            }
        };
    }
}
