package io.hostspec.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * How long {@code ./hostspec eval HOST} takes as a user runs it: a new launcher process each time, JVM start
 * included, timed by bash's {@code time} (wall clock, and the CPU seconds of the process and its children, which
 * other load on the machine disturbs less than the wall clock).
 *
 * @param wallSeconds median wall-clock seconds
 * @param cpuSeconds  median user + system CPU seconds
 * @param samples     how many runs the medians are of
 */
record EvalTiming(double wallSeconds, double cpuSeconds, int samples) {

    /** The longest one evaluation may take before the measurement gives up. */
    static final Duration LIMIT = Duration.ofMinutes(2);

    /**
     * Runs the project's launcher {@code samples} times.
     *
     * @param root the project root, holding the launcher {@code hostspec}
     * @param host the host argument, e.g. {@code hosts/xoa.nix}
     * @return the medians, or empty when there is no launcher (a test JVM without the project's checkout)
     * @throws IllegalStateException when a run fails or takes longer than {@link #LIMIT}; with its output tail
     */
    static Optional<EvalTiming> measure(Path root, String host, int samples) {
        Path launcher = root.resolve("hostspec");
        if (!Files.isExecutable(launcher)) {
            return Optional.empty();
        }
        List<Double> wall = new ArrayList<>();
        List<Double> cpu = new ArrayList<>();
        for (int k = 0; k < samples; k++) {
            double[] one = once(launcher, host);
            wall.add(one[0]);
            cpu.add(one[1] + one[2]);
        }
        return Optional.of(new EvalTiming(BenchCommand.median(wall), BenchCommand.median(cpu), samples));
    }

    private static double[] once(Path launcher, String host) {
        // the launcher's own error output is kept: it is the evidence when a run fails
        String script = "TIMEFORMAT='hostspec-time %R %U %S'; time \"$0\" eval \"$1\" >/dev/null";
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script, launcher.toString(), host)
                .redirectErrorStream(true);
        try {
            Process p = pb.start();
            if (!p.waitFor(LIMIT.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(launcher + " eval " + host + " took longer than "
                        + LIMIT.toSeconds() + " s");
            }
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(launcher + " eval " + host + " failed with exit code "
                        + p.exitValue() + ": " + tail(out));
            }
            return parse(out).orElseThrow(() -> new IllegalStateException(launcher + " eval " + host
                    + " gave no timing (exit " + p.exitValue() + "): " + tail(out)));
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + launcher + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while timing " + launcher + " eval " + host, e);
        }
    }

    /** The wall, user and system seconds of bash's {@code time} line, {@code hostspec-time 0.91 0.70 0.21}. */
    static Optional<double[]> parse(String output) {
        for (String line : output.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 4 && f[0].equals("hostspec-time")) {
                return Optional.of(new double[] {Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3])});
            }
        }
        return Optional.empty();
    }

    private static String tail(String out) {
        return out.length() <= 400 ? out : out.substring(out.length() - 400);
    }
}
