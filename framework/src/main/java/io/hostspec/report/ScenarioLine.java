package io.hostspec.report;

import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.FilePosition;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.FileSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.engine.support.descriptor.UriSource;
import org.junit.platform.launcher.TestIdentifier;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * The text of a scenario's result: where it is ({@code features/x.feature:12}, shared with {@code summary.json}), its
 * one console line, and the full story of its failure. Pure functions.
 */
final class ScenarioLine {

    /** Stack frames shown for an unexpected exception (a bug rather than a failed check). */
    static final int FRAMES = 10;
    /** The class name Cucumber gives the stack frame of a Gherkin step. */
    static final String STEP_FRAME = "✽";
    private static final String INDENT = "    ";
    private static final String NL = System.lineSeparator();

    /**
     * Where a scenario or feature is.
     *
     * @param uri  its feature file, relative to the project root when inside it
     * @param line its line, or 0 for a whole file
     */
    record Location(String uri, int line) {
        @Override
        public String toString() {
            return line > 0 ? uri + ":" + line : uri;
        }
    }

    private ScenarioLine() {
    }

    /** Where the test is, from its source (a file position or a {@code file:...?line=N} URI). */
    static Location location(TestIdentifier id, Path root) {
        TestSource source = id.getSource().orElse(null);
        int line = 0;
        if (source instanceof FileSource f) {
            line = f.getPosition().map(FilePosition::getLine).orElse(0);
        } else if (source instanceof UriSource u) {
            String q = u.getUri().getQuery();
            if (q != null && q.startsWith("line=")) {
                line = Integer.parseInt(q.substring(5).split("&")[0]);
            }
        }
        return new Location(where(source, root), line);
    }

    /**
     * The file of a test source, relative to {@code root} when inside it; for a JUnit test its class and method
     * ({@code io.example.XoaIT#redis}), which is unique per test as a feature file and line are per scenario.
     */
    static String where(TestSource source, Path root) {
        if (source instanceof MethodSource m) {
            return m.getClassName() + "#" + m.getMethodName()
                    + (m.getMethodParameterTypes().isEmpty() ? "" : "(" + m.getMethodParameterTypes() + ")");
        }
        if (source instanceof ClassSource c) {
            return c.getClassName();
        }
        if (source instanceof FileSource f) {
            return relative(f.getFile().toPath(), root);
        }
        if (source instanceof UriSource u) {
            URI uri = u.getUri();
            return "file".equals(uri.getScheme()) ? relative(Path.of(uri.getPath()), root) : uri.toString();
        }
        return String.valueOf(source);
    }

    /** {@code PASSED     2.3 s  The scenario's name (features/x.feature:12)}. */
    static String scenario(String status, Duration took, String name, Location where) {
        return String.format(Locale.ROOT, "%-7s %7s  %s (%s)", status, seconds(took), name, where);
    }

    /**
     * The failure in full, indented under the scenario's line: the Gherkin step that failed, the message (the
     * expectation, what was seen and the evidence), causes that add to it, and the stack of an unexpected exception.
     */
    static String failure(Throwable t, Path root) {
        StringBuilder b = new StringBuilder();
        step(t, root).ifPresent(step -> b.append(INDENT).append("step: ").append(step).append(NL));
        boolean expected = t instanceof AssertionError || t.getClass().getName().startsWith("io.hostspec.");
        String text = expected && t.getMessage() != null ? t.getMessage() : t.toString();
        b.append(indent(text.stripTrailing())).append(NL);
        if (!expected) {
            int shown = 0;
            for (StackTraceElement frame : t.getStackTrace()) {
                if (STEP_FRAME.equals(frame.getClassName()) || shown++ == FRAMES) {
                    break;
                }
                b.append(INDENT).append("  at ").append(frame).append(NL);
            }
        }
        for (Throwable cause = t.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            String said = String.valueOf(cause.getMessage());
            if (!text.contains(said)) {
                b.append(indent("caused by: " + cause.getClass().getSimpleName() + ": " + said)).append(NL);
                text = text + said;
            }
        }
        return b.toString().stripTrailing();
    }

    /** {@code 1 scenario}, {@code 26 scenarios}. */
    static String plural(int count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    /** {@code 12.3 s}. */
    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    // Cucumber puts the step in the stack as a frame "✽.<step text>(<feature uri>:<line>)".
    private static Optional<String> step(Throwable t, Path root) {
        for (StackTraceElement frame : t.getStackTrace()) {
            if (STEP_FRAME.equals(frame.getClassName())) {
                String file = frame.getFileName() == null ? "?" : frame.getFileName();
                if (file.startsWith("file:")) {
                    file = relative(Path.of(URI.create(file)), root);
                }
                return Optional.of(frame.getMethodName() + " (" + file + ":" + frame.getLineNumber() + ")");
            }
        }
        return Optional.empty();
    }

    private static String indent(String text) {
        return INDENT + text.replace("\r\n", "\n").replace("\n", NL + INDENT);
    }

    private static String relative(Path p, Path root) {
        Path abs = p.toAbsolutePath().normalize();
        return root != null && abs.startsWith(root) ? root.relativize(abs).toString() : abs.toString();
    }
}
