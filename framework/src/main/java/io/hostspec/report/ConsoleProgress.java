package io.hostspec.report;

import io.hostspec.image.BuildListener;
import io.hostspec.image.BuildStage;
import io.hostspec.machine.LogSection;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What a person sees of a run: one line per scenario with its outcome and time, failures in full (the step, the
 * message with its evidence), warnings, and long work (image build stages, cold boots, slow waits) while it runs;
 * everything else stays in the log file ({@link RunLog}). Fed by the run's scenario events, {@link LogSection}s and
 * image {@link BuildStage}s, so nothing else writes to the console.
 *
 * <p>On a terminal, work that runs is one live line, rewritten in place with {@code \r} every second; elsewhere (CI,
 * a pipe, {@code mvn verify}) work running longer than {@link #LONG_WORK} gets a start line and an end line instead.
 * Either way work that took that long leaves an end line with its duration.
 *
 * <p>{@code ./hostspec run} passes one explicitly, with the run's log file; {@code mvn verify} loads one as a JUnit
 * Platform listener (it stays silent unless the run has Cucumber scenarios, and the log goes where {@value
 * RunLog#FILE_PROPERTY} says). Thread-safe: every line is written whole under one lock, which is
 * never held while logging.
 */
public final class ConsoleProgress implements TestExecutionListener, LogSection.Listener, BuildListener {

    /** Work running at least this long is announced: a start line off a terminal, an end line everywhere. */
    public static final Duration LONG_WORK = Duration.ofSeconds(5);
    /** Work running at least this long shows in the live line. */
    public static final Duration LIVE_AFTER = Duration.ofSeconds(1);
    /** How often the live line is redrawn and long work looked for. */
    public static final Duration TICK = Duration.ofSeconds(1);

    private static final String STAGE = "image: ";
    private static volatile ConsoleProgress active;

    private final PrintWriter out;
    private final Terminal terminal;
    private final boolean verbose;
    private final boolean endLine;
    private final boolean ticking;
    private final Path logFile;
    private final RunningWork running;
    private final List<RunLog.Redirect> redirects = new ArrayList<>();
    private ScheduledExecutorService ticker;
    private ConsoleProgress outer;
    private Path root;
    private boolean on;
    private int total;
    private int done;
    private int passed;
    private int failed;
    private int skipped;
    private int liveLength;

    /**
     * Where and how to draw.
     *
     * @param live    whether the output is a terminal, where one line may be rewritten with {@code \r}
     * @param columns the terminal's width; a live line is cut to fit it
     */
    public record Terminal(boolean live, int columns) {

        /** System property forcing terminal detection, {@code true} or {@code false}. */
        public static final String TTY_PROPERTY = "hostspec.tty";
        /** Environment variable forcing terminal detection when the property is not set (the launcher sets it). */
        public static final String TTY_ENV = "HOSTSPEC_TTY";
        /** System property with the terminal's width (otherwise {@code COLUMNS}, which the launcher exports). */
        public static final String COLUMNS_PROPERTY = "hostspec.columns";

        /** A pipe or file: no live line. */
        public static final Terminal NONE = new Terminal(false, 0);

        /**
         * This JVM's standard output: {@value #TTY_PROPERTY} or {@value #TTY_ENV} when set, otherwise whether the JVM
         * has a console.
         *
         * @return the detected terminal
         */
        public static Terminal detect() {
            String forced = System.getProperty(TTY_PROPERTY, System.getenv(TTY_ENV));
            boolean live = forced == null || forced.isBlank() ? System.console() != null : Boolean.parseBoolean(forced);
            String columns = System.getProperty(COLUMNS_PROPERTY, System.getenv().getOrDefault("COLUMNS", ""));
            int width;
            try {
                width = Integer.parseInt(columns.strip());
            } catch (NumberFormatException e) {
                width = 100;
            }
            return new Terminal(live, Math.max(20, width));
        }
    }

    /**
     * The console of {@code mvn verify}: standard output, terminal detected, verbose when {@value
     * RunLog#VERBOSE_PROPERTY} is true; ends with a line of totals and the log file.
     */
    public ConsoleProgress() {
        this(new PrintWriter(System.out, true), Terminal.detect(), Boolean.getBoolean(RunLog.VERBOSE_PROPERTY), null,
                true, System::nanoTime, true);
    }

    /**
     * The console of one run ({@code ./hostspec run}), which keeps the run's whole log in {@code logFile}.
     *
     * @param out      where lines go
     * @param terminal whether {@code out} is a terminal, and its width
     * @param verbose  whether the log from INFO up is shown as well
     * @param logFile  the run's log file, e.g. {@code <report-dir>/hostspec.log}, open while the run runs
     */
    public ConsoleProgress(PrintWriter out, Terminal terminal, boolean verbose, Path logFile) {
        this(out, terminal, verbose, Objects.requireNonNull(logFile, "logFile"), false, System::nanoTime, true);
    }

    private ConsoleProgress(PrintWriter out, Terminal terminal, boolean verbose, Path logFile, boolean endLine,
                            LongSupplier nanos, boolean ticking) {
        this.out = Objects.requireNonNull(out, "out");
        this.terminal = Objects.requireNonNull(terminal, "terminal");
        this.verbose = verbose;
        this.logFile = logFile;
        this.endLine = endLine;
        this.running = new RunningWork(nanos);
        this.ticking = ticking;
    }

    /** A console on a fake clock that redraws only when {@link #tick()} is called (tests). */
    static ConsoleProgress manual(PrintWriter out, Terminal terminal, boolean verbose, Path logFile,
                                  LongSupplier nanos) {
        return new ConsoleProgress(out, terminal, verbose, logFile, true, nanos, false);
    }

    /**
     * The build listener of the console showing the current run, if any: image builders created before a run starts
     * (one per JVM) report to whichever console is active.
     *
     * @return a listener forwarding to the active console
     */
    public static BuildListener builds() {
        return new BuildListener() {
            @Override
            public void stageStarted(String host, BuildStage stage) {
                ConsoleProgress console = active;
                if (console != null) {
                    console.stageStarted(host, stage);
                }
            }

            @Override
            public void stageFinished(String host, BuildStage stage, Duration elapsed) {
                ConsoleProgress console = active;
                if (console != null) {
                    console.stageFinished(host, stage, elapsed);
                }
            }
        };
    }

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        long scenarios = plan.countTestIdentifiers(id -> id.isTest() && isScenario(id));
        if (scenarios > 0 || logFile != null) {
            begin((int) scenarios);
        }
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        if (id.isTest() && isScenario(id)) {
            started(id.getUniqueId(), id.getDisplayName());
        }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (id.isTest() && isScenario(id)) {
            finished(id.getUniqueId(), Outcome.SKIPPED, ScenarioLine.location(id, root), id.getDisplayName(), null);
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        if (id.isTest() && isScenario(id)) {
            Outcome outcome = switch (result.getStatus()) {
                case SUCCESSFUL -> Outcome.PASSED;
                case ABORTED -> Outcome.SKIPPED;
                case FAILED -> Outcome.FAILED;
            };
            finished(id.getUniqueId(), outcome, ScenarioLine.location(id, root), id.getDisplayName(),
                    outcome == Outcome.FAILED ? result.getThrowable().orElse(null) : null);
        }
    }

    @Override
    public void testPlanExecutionFinished(TestPlan plan) {
        end();
    }

    /** A scenario's outcome as the console names it. */
    enum Outcome { PASSED, FAILED, SKIPPED }

    /** The run begins: its log file opens, the console takes over the log's console output and starts ticking. */
    void begin(int scenarioCount) {
        String r = System.getProperty("hostspec.root");
        if (logFile != null) {
            redirects.add(RunLog.toFile(logFile));
        }
        Path log = RunLog.file(); // RunLog is never asked under this object's lock: it calls in holding its own
        synchronized (this) {
            root = r == null ? Path.of("").toAbsolutePath() : Path.of(r).toAbsolutePath();
            total = scenarioCount;
            on = true;
            println(ScenarioLine.plural(scenarioCount, "scenario") + (log == null ? "" : "; the whole log is in "
                    + log));
        }
        redirects.add(RunLog.toConsole(this::logged, verbose));
        LogSection.addListener(this);
        outer = active; // a run inside a run (a test calling ./hostspec run) gives the console back when done
        active = this;
        if (ticking) {
            ticker = Executors.newSingleThreadScheduledExecutor(task -> {
                Thread t = new Thread(task, "hostspec-console");
                t.setDaemon(true);
                return t;
            });
            ticker.scheduleAtFixedRate(this::tickQuietly, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** A scenario starts on the calling thread. */
    synchronized void started(String id, String name) {
        running.scenarioStarted(id, name, Thread.currentThread());
    }

    /** A scenario ended (or was skipped): its line, and when it failed, the story. */
    synchronized void finished(String id, Outcome outcome, ScenarioLine.Location where, String name,
                               Throwable failure) {
        Duration took = running.scenarioFinished(id);
        done++;
        switch (outcome) {
            case PASSED -> passed++;
            case SKIPPED -> skipped++;
            case FAILED -> failed++;
        }
        String line = ScenarioLine.scenario(outcome.name(), took, name, where);
        println(failure == null ? line : line + System.lineSeparator() + ScenarioLine.failure(failure, root));
    }

    /** The run ended: the live line goes, the log's console output is given back and the run's log file closed. */
    void end() {
        Path log = RunLog.file();
        synchronized (this) {
            if (!on) {
                return;
            }
            running.clear();
            clearLive();
            if (endLine) {
                println(String.format("hostspec: %d passed, %d failed, %d skipped%s", passed, failed, skipped,
                        log == null ? "" : "; log: " + log));
            }
            on = false;
        }
        if (ticker != null) {
            ticker.shutdownNow();
        }
        if (active == this) {
            active = outer;
        }
        LogSection.removeListener(this);
        for (int i = redirects.size() - 1; i >= 0; i--) {
            redirects.get(i).close();
        }
        redirects.clear();
    }

    @Override
    public synchronized void sectionOpened(LogSection.Opened section) {
        running.open(Thread.currentThread(), section.host(), section.title(), false);
    }

    @Override
    public synchronized void sectionClosed(LogSection.Closed section) {
        running.close(Thread.currentThread(), section.host(), section.title(), false, section.duration(),
                section.failure().isPresent()).ifPresent(this::println);
    }

    @Override
    public synchronized void stageStarted(String host, BuildStage stage) {
        running.open(Thread.currentThread(), host, STAGE + stage.label(), true);
    }

    @Override
    public synchronized void stageFinished(String host, BuildStage stage, Duration elapsed) {
        if (stage != BuildStage.CACHE_HIT) {
            running.close(Thread.currentThread(), host, STAGE + stage.label(), true, elapsed, false)
                    .ifPresent(this::println);
        }
    }

    /** Announces long work (a start line off a terminal) and redraws the live line. Called every {@link #TICK}. */
    synchronized void tick() {
        if (!on) {
            return;
        }
        for (String work : running.announce()) {
            if (!terminal.live()) {
                println(work + " ...");
            }
        }
        drawLive();
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            // a drawing problem must not end the ticker; the run's result does not depend on it
        }
    }

    // Receives the log records the console shows (RunLog's rules): warnings, and everything when verbose.
    private void logged(RunLog.Entry entry) {
        String text = verbose ? entry.format() : entry.level() + " " + entry.message()
                + (entry.error() == null ? "" : ": " + entry.error());
        synchronized (this) {
            println(text);
        }
    }

    private void println(String lines) {
        clearLive();
        out.println(lines);
        drawLive();
        out.flush();
    }

    private void clearLive() {
        if (liveLength > 0) {
            out.print("\r" + " ".repeat(liveLength) + "\r");
            liveLength = 0;
        }
    }

    private void drawLive() {
        if (!terminal.live()) {
            return;
        }
        String line = running.live(done, total);
        if (line.isEmpty() && liveLength == 0) {
            return; // nothing to draw over, nothing to draw
        }
        int width = terminal.columns() - 1;
        if (line.length() > width) {
            line = line.substring(0, Math.max(0, width - 3)) + "...";
        }
        out.print("\r" + line + " ".repeat(Math.max(0, liveLength - line.length())));
        liveLength = line.length();
        out.flush();
    }

    static boolean isScenario(TestIdentifier id) {
        return id.getUniqueIdObject().getSegments().stream()
                .anyMatch(s -> "engine".equals(s.getType()) && "cucumber".equals(s.getValue()));
    }
}
