package io.hostspec.image.internal;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs an external command to completion. Output goes to temporary files rather than pipes so that a chatty tool
 * (mmdebstrap, apt) can never block on a full pipe; only the tails are kept.
 */
public final class Exec {

    /** How much of each stream is kept in a {@link Result}. */
    static final int KEPT_BYTES = 64 * 1024;

    private Exec() {
    }

    /**
     * The outcome of a command.
     *
     * @param command  the command line
     * @param exitCode its exit status (-1 when it was killed on timeout)
     * @param stdout   the last {@value #KEPT_BYTES} bytes of standard output
     * @param stderr   the last {@value #KEPT_BYTES} bytes of standard error
     */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {

        /** Whether the command exited with status 0. */
        public boolean ok() {
            return exitCode == 0;
        }

        /** The last {@code lines} lines of standard error (standard output when stderr is empty). */
        public String stderrTail(int lines) {
            return tail(stderr.isBlank() ? stdout : stderr, lines);
        }
    }

    /**
     * Runs {@code command} and waits for it.
     *
     * @param command the command line
     * @param env     extra environment variables
     * @param timeout how long the command may run; it (and its children) are killed after that
     * @return the result, whatever the exit status
     * @throws IOException          when the command cannot be started
     * @throws InterruptedException when interrupted while waiting (the command is killed)
     */
    public static Result run(List<String> command, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("hostspec-exec", ".out");
        Path err = Files.createTempFile("hostspec-exec", ".err");
        try {
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile());
            pb.environment().putAll(env);
            Process p = pb.start();
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                kill(p);
                throw e;
            }
            if (!done) {
                kill(p);
                return new Result(command, -1, readTail(out),
                        readTail(err) + "\n[hostspec] killed after timeout of " + timeout);
            }
            return new Result(command, p.exitValue(), readTail(out), readTail(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
    }

    private static String readTail(Path file) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long len = raf.length();
            long start = Math.max(0, len - KEPT_BYTES);
            byte[] buf = new byte[(int) (len - start)];
            raf.seek(start);
            raf.readFully(buf);
            return new String(buf, StandardCharsets.UTF_8);
        }
    }

    /** The last {@code lines} lines of {@code text}. */
    public static String tail(String text, int lines) {
        String[] all = text.strip().split("\n");
        int from = Math.max(0, all.length - lines);
        return String.join("\n", List.of(all).subList(from, all.length));
    }
}
