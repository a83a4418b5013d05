package io.hostspec.report;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import io.hostspec.machine.LogSection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Collects scenario results of a run and writes {@code summary.json}:
 * {@code {"passed":N,"failed":N,"skipped":N,"scenarios":[{"uri","line","name","status","durationMs"}]}}, with the
 * run's coverage and timeline. A run's scenarios are the Cucumber engine's and the tests of JUnit classes annotated
 * {@code @HostspecTest} (their {@code uri} is {@code class#method}); runs with neither write nothing. Used by
 * {@code ./hostspec run} and, registered as a listener, by {@code mvn verify}.
 *
 * <p>Several JVMs of one build (failsafe forks one per test class) write into one report folder when they share the
 * value of {@value #JOIN_PROPERTY}: each adds its scenarios, coverage and timeline (a lane group per JVM) to what the
 * others of the same build wrote, under a file lock; a folder from another build is replaced.
 */
public final class RunSummary implements TestExecutionListener {

    /** System property naming the report folder. */
    public static final String REPORT_DIR_PROPERTY = "hostspec.reportDir";
    /** The file name of the summary in a report folder. */
    public static final String FILE = "summary.json";
    /** System property naming the build whose JVMs join their reports in one folder (e.g. the build's start time). */
    public static final String JOIN_PROPERTY = "hostspec.reportJoin";
    /** The annotation of JUnit classes whose tests are scenarios of the run. */
    static final String JUNIT_ANNOTATION = "io.hostspec.junit.HostspecTest";
    /** Configuration parameter selecting a shard, {@code K/N}. */
    public static final String SHARD_PROPERTY = "hostspec.shard";

    private static final Logger LOG = LoggerFactory.getLogger(RunSummary.class);
    private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    private final Path reportDir;
    private final Map<String, Long> started = new ConcurrentHashMap<>();
    private final Map<String, java.time.Instant> startedAt = new ConcurrentHashMap<>();
    private final List<Scenario> scenarios = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean active;
    private final java.util.concurrent.atomic.AtomicBoolean written = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile CoverageReport coverage;
    private Path root;
    private volatile String part = "";
    private final Map<String, Boolean> hostspecClasses = new ConcurrentHashMap<>();

    /**
     * One scenario's result.
     *
     * @param uri        the feature file, relative to the project root
     * @param line       the scenario's line
     * @param name       the scenario's name
     * @param status     passed, failed or skipped
     * @param durationMs how long it ran
     * @param message    the failure message, or null
     */
    public record Scenario(String uri, int line, String name, String status, long durationMs, String message) {
    }

    /** A summary writing into the folder named by {@value #REPORT_DIR_PROPERTY} (default target/hostspec-report). */
    public RunSummary() {
        this(Path.of(System.getProperty(REPORT_DIR_PROPERTY, "target/hostspec-report")));
    }

    /** A summary writing into the given folder. */
    public RunSummary(Path reportDir) {
        this.reportDir = reportDir;
    }

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        List<TestIdentifier> tests = plan.getRoots().stream().flatMap(r -> plan.getDescendants(r).stream())
                .filter(TestIdentifier::isTest).toList();
        // a Cucumber run reports even when its filters left no scenario (an empty summary says so)
        active = plan.getRoots().stream().anyMatch(r -> r.getUniqueIdObject().getEngineId()
                .map("cucumber"::equals).orElse(false)) || tests.stream().anyMatch(this::scenario);
        part = String.join(", ", tests.stream().filter(this::scenario).map(RunSummary::partOf).distinct().toList());
        String r = System.getProperty("hostspec.root");
        root = r == null ? Path.of("").toAbsolutePath() : Path.of(r).toAbsolutePath();
        if (active) {
            Coverage.current().reset();
            Timeline.current().reset();
            LogSection.addListener(Timeline.current());
        }
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        started.put(id.getUniqueId(), System.nanoTime());
        startedAt.put(id.getUniqueId(), java.time.Instant.now());
        if (active && id.isTest() && scenario(id)) {
            // the log's landmarks: what follows belongs to this scenario (when scenarios run one at a time)
            LOG.info("==== scenario {} ({})", id.getDisplayName(), ScenarioLine.location(id, root));
        }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (active && id.isTest() && scenario(id)) {
            scenarios.add(scenario(id, "skipped", 0, reason));
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (!active) {
            return;
        }
        long ms = (System.nanoTime() - started.getOrDefault(id.getUniqueId(), System.nanoTime())) / 1_000_000;
        String message = result.getThrowable().map(t -> String.valueOf(t.getMessage())).orElse(null);
        if (id.isTest() && !scenario(id)) {
            return;
        }
        if (id.isTest()) {
            String status = switch (result.getStatus()) {
                case SUCCESSFUL -> "passed";
                case ABORTED -> "skipped";
                case FAILED -> "failed";
            };
            scenarios.add(scenario(id, status, ms, message));
            LOG.info("==== scenario {} {} in {}", id.getDisplayName(), status,
                    ScenarioLine.seconds(java.time.Duration.ofMillis(ms)));
            Timeline.current().scenario(id.getDisplayName(), startedAt.getOrDefault(id.getUniqueId(),
                    java.time.Instant.now()), java.time.Duration.ofMillis(ms), status);
        } else if (result.getStatus() == TestExecutionResult.Status.FAILED) {
            errors.add(ScenarioLine.where(id.getSource().orElse(null), root) + ": " + message);
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        write(false);
    }

    /**
     * Writes the reports of the scenarios that finished so far, marked {@code "interrupted": true} in summary.json;
     * what a run does when it is stopped by SIGINT or SIGTERM (from a shutdown hook). Does nothing when the run
     * already wrote its reports.
     */
    public void writeInterrupted() {
        write(true);
    }

    private void write(boolean interrupted) {
        if (!active || !written.compareAndSet(false, true)) {
            return;
        }
        try {
            Map<String, Object> extra = new LinkedHashMap<>();
            if (interrupted) {
                extra.put("interrupted", true);
            }
            LogSection.removeListener(Timeline.current());
            coverage = Coverage.current().report();
            String join = System.getProperty(JOIN_PROPERTY);
            if (join == null || join.isBlank()) {
                write(reportDir, sorted(), extra);
                coverage.writeTo(reportDir);
                Timeline.current().writeTo(reportDir);
            } else if (sorted().isEmpty()) {
                return; // a JVM of the build that ran no scenario (another IT class) adds nothing to the joined folder
            } else {
                coverage = ReportJoin.join(reportDir, join, new ReportJoin.Part(part, sorted(), coverage,
                        Timeline.current().spans()), extra);
            }
            String results = System.getProperty(AllureLinks.RESULTS_PROPERTY);
            if (results != null) {
                AllureLinks.write(Path.of(results), reportDir, coverage);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reports into " + reportDir, e);
        }
    }

    /**
     * Writes {@value #FILE} into a folder (created if needed): the counts by status, then the given extra fields, then
     * the scenarios as given.
     *
     * @throws IOException when it cannot be written
     */
    public static Path write(Path folder, List<Scenario> scenarios, Map<String, Object> extra) throws IOException {
        Files.createDirectories(folder);
        Map<String, Object> json = new LinkedHashMap<>();
        for (String status : List.of("passed", "failed", "skipped")) {
            json.put(status, scenarios.stream().filter(s -> s.status().equals(status)).count());
        }
        json.putAll(extra);
        json.put("scenarios", scenarios);
        Path file = folder.resolve(FILE);
        MAPPER.writeValue(file.toFile(), json);
        return file;
    }

    /**
     * The scenarios of a {@value #FILE}, or of the one inside a report folder, in file order.
     *
     * @throws IllegalArgumentException when there is none or it cannot be read
     */
    public static List<Scenario> read(Path fileOrFolder) {
        Path file = Files.isDirectory(fileOrFolder) ? fileOrFolder.resolve(FILE) : fileOrFolder;
        try {
            List<Scenario> out = new ArrayList<>();
            for (var node : MAPPER.readTree(file.toFile()).required("scenarios")) {
                out.add(MAPPER.treeToValue(node, Scenario.class));
            }
            return out;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the run summary " + file + ": " + e.getMessage(), e);
        }
    }

    /** Scenarios with this status. */
    public long count(String status) {
        synchronized (scenarios) {
            return scenarios.stream().filter(s -> s.status().equals(status)).count();
        }
    }

    /** The coverage report written at the end of the run, or empty before. */
    public CoverageReport coverage() {
        return coverage == null ? CoverageReport.empty() : coverage;
    }

    /** The folder the reports go to. */
    public Path reportDir() {
        return reportDir;
    }

    /** Failed scenarios. */
    public long failed() {
        return count("failed");
    }

    /** Problems outside scenarios, e.g. a feature file that does not parse. */
    public List<String> errors() {
        return List.copyOf(errors);
    }

    /** Every scenario, by file and line. */
    public List<Scenario> sorted() {
        synchronized (scenarios) {
            List<Scenario> out = new ArrayList<>(scenarios);
            out.sort(Comparator.comparing(Scenario::uri).thenComparingInt(Scenario::line));
            return out;
        }
    }

    /**
     * The end-of-run console summary: per feature, the failed scenarios (their stories were told as they failed, see
     * {@link ConsoleProgress}), the slowest, the totals, the reports.
     */
    public String consoleReport() {
        StringBuilder b = new StringBuilder("\n");
        Map<String, int[]> perFeature = new TreeMap<>();
        for (Scenario s : sorted()) {
            int[] c = perFeature.computeIfAbsent(s.uri(), k -> new int[3]);
            c["passed".equals(s.status()) ? 0 : "failed".equals(s.status()) ? 1 : 2]++;
        }
        perFeature.forEach((f, c) -> b.append(String.format("  %-50s %3d passed %3d failed %3d skipped%n", f, c[0],
                c[1], c[2])));
        List<Scenario> failures = sorted().stream().filter(s -> "failed".equals(s.status())).toList();
        if (!failures.isEmpty()) {
            b.append("\nFailed (in full above):\n");
            failures.forEach(s -> b.append("  ").append(s.uri()).append(':').append(s.line()).append("  ")
                    .append(s.name()).append('\n'));
        }
        List<Scenario> slow = new ArrayList<>(sorted());
        slow.sort(Comparator.comparingLong(Scenario::durationMs).reversed());
        if (!slow.isEmpty()) {
            b.append("\nSlowest:\n");
            slow.stream().limit(3).forEach(s -> b.append(String.format("  %7.1f s  %s (%s:%d)%n",
                    s.durationMs() / 1000.0, s.name(), s.uri(), s.line())));
        }
        b.append(String.format("%n%d passed, %d failed, %d skipped%n", count("passed"), failed(), count("skipped")));
        if (coverage != null && !coverage.hosts().isEmpty()) {
            b.append("\nConfiguration coverage:\n").append(coverage.oneLiners());
        }
        b.append("\nReports in ").append(reportDir).append(":\n")
                .append("  summary.json       scenario results\n")
                .append("  ").append(RunLog.FILE_NAME).append("       the full log (-v shows it here)\n")
                .append("  ").append(CoverageReport.HTML_FILE).append("      configuration coverage (")
                .append(CoverageReport.JSON_FILE).append(")\n")
                .append("  ").append(Timeline.SVG_FILE).append("       where the time went, per machine\n")
                .append("  allure-results/    Allure results (HTML: allure generate, or mvn verify)\n");
        return b.toString();
    }

    /** Whether a test is a scenario of the run: Cucumber's, or a test of a {@code @HostspecTest} class. */
    private boolean scenario(TestIdentifier id) {
        if (cucumber(id)) {
            return true;
        }
        if (id.getSource().orElse(null) instanceof org.junit.platform.engine.support.descriptor.MethodSource m) {
            return hostspecClasses.computeIfAbsent(m.getClassName(), RunSummary::annotated);
        }
        return false;
    }

    // [engine:cucumber]/..., also inside a suite: [engine:junit-platform-suite]/[suite:...]/[engine:cucumber]/...
    private static boolean cucumber(TestIdentifier id) {
        return id.getUniqueIdObject().getSegments().stream()
                .anyMatch(s -> s.getType().equals("engine") && s.getValue().equals("cucumber"));
    }

    private static boolean annotated(String className) {
        try {
            for (Class<?> c = Class.forName(className, false, Thread.currentThread().getContextClassLoader());
                 c != null; c = c.getEnclosingClass()) {
                for (Class<?> t = c; t != null; t = t.getSuperclass()) {
                    for (var a : t.getAnnotations()) {
                        if (a.annotationType().getName().equals(JUNIT_ANNOTATION)) {
                            return true;
                        }
                    }
                }
            }
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
        return false;
    }

    /** The part of a joined report a test belongs to: its suite or class, by simple name. */
    private static String partOf(TestIdentifier id) {
        if (cucumber(id)) {
            return "features";
        }
        if (id.getSource().orElse(null) instanceof org.junit.platform.engine.support.descriptor.MethodSource m) {
            String name = m.getClassName();
            return name.substring(name.lastIndexOf('.') + 1);
        }
        return "tests";
    }

    private Scenario scenario(TestIdentifier id, String status, long ms, String message) {
        ScenarioLine.Location where = ScenarioLine.location(id, root);
        return new Scenario(where.uri(), where.line(), id.getDisplayName(), status, ms, message);
    }
}
