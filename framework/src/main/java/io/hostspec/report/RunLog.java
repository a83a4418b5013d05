package io.hostspec.report;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Where this JVM's log goes: every SLF4J record of hostspec and its libraries ends here (the framework ships its own
 * SLF4J backend). The full log (DEBUG and above of hostspec's own loggers, INFO and above of its libraries) goes to
 * a file: the run's {@code <report-dir>/hostspec.log}, or the file named by {@value #FILE_PROPERTY} (how
 * {@code mvn verify} keeps it under {@code target/}). The console gets
 * warnings and errors, and everything from INFO up when {@linkplain #verbose verbose} or when no file is open (a
 * command that writes no report keeps today's output).
 *
 * <p>The console is {@code System.err} until a {@link ConsoleProgress} takes it over for a run, so that a log line
 * never tears its live line. Thread-safe: every record is written whole, in the order it was logged.
 */
public final class RunLog {

    /** System property naming the log file of the whole JVM (appended to); a run's report folder overrides it. */
    public static final String FILE_PROPERTY = "hostspec.log";
    /** System property that, when {@code true}, echoes the log from INFO up to the console. */
    public static final String VERBOSE_PROPERTY = "hostspec.verbose";
    /** The log's file name in a report folder. */
    public static final String FILE_NAME = "hostspec.log";

    /** Severity of a record, lowest first. */
    public enum Level { TRACE, DEBUG, INFO, WARN, ERROR }

    /**
     * One log record.
     *
     * @param at      when it was logged
     * @param level   its severity
     * @param logger  the logger's name, usually a class name
     * @param thread  the logging thread's name
     * @param message the formatted message
     * @param error   the throwable logged with it, or null
     */
    public record Entry(Instant at, Level level, String logger, String thread, String message, Throwable error) {

        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT);

        /** @return {@code 05:41:07.123 INFO  [main] LogSection - message}, then the stack trace if any */
        public String format() {
            String shortLogger = logger.substring(logger.lastIndexOf('.') + 1);
            StringBuilder b = new StringBuilder(TIME.format(LocalTime.ofInstant(at, ZoneId.systemDefault())))
                    .append(' ').append(String.format(Locale.ROOT, "%-5s", level)).append(" [").append(thread)
                    .append("] ").append(shortLogger).append(" - ").append(message);
            if (error != null) {
                StringWriter trace = new StringWriter();
                error.printStackTrace(new PrintWriter(trace));
                b.append(System.lineSeparator()).append(trace.toString().stripTrailing());
            }
            return b.toString();
        }
    }

    /** Undoes a {@link #toFile} or {@link #toConsole} redirection when closed. */
    @FunctionalInterface
    public interface Redirect extends AutoCloseable {
        @Override
        void close();
    }

    private static final Consumer<Entry> STDERR = e -> {
        PrintStream err = System.err; // looked up each time: tests replace it
        err.println(e.format());
        err.flush();
    };

    private static BufferedWriter file;
    private static Path filePath;
    private static Consumer<Entry> console = STDERR;
    private static boolean verbose = Boolean.getBoolean(VERBOSE_PROPERTY);
    private static boolean defaultFileTried;

    private RunLog() {
    }

    /**
     * Records one entry: to the file when one is open, and to the console as the rules above say. Called by the
     * logging backend; never throws.
     *
     * @param entry the record
     */
    public static synchronized void append(Entry entry) {
        openDefaultFile();
        if (file != null && entry.level().compareTo(Level.DEBUG) >= 0) {
            try {
                file.write(entry.format());
                file.newLine();
                file.flush();
            } catch (IOException e) {
                closeFile();
                STDERR.accept(new Entry(Instant.now(), Level.WARN, RunLog.class.getName(), Thread.currentThread()
                        .getName(), "cannot write the log file any more: " + e, null));
            }
        }
        if (onConsole(entry.level())) {
            console.accept(entry);
        }
    }

    /**
     * Whether records of this level are wanted anywhere (the backend skips formatting the others).
     *
     * @param level a severity
     * @return true when a record of it would be written
     */
    public static synchronized boolean enabled(Level level) {
        openDefaultFile();
        return level.compareTo(Level.DEBUG) >= 0 && (file != null || onConsole(level));
    }

    /**
     * Sends the log to {@code path} (truncated) until the returned redirect is closed, which restores the previous
     * file.
     *
     * @param path the log file, e.g. {@code <report-dir>/hostspec.log}
     * @return closes the file and restores the previous one
     * @throws UncheckedIOException when the file cannot be created
     */
    public static synchronized Redirect toFile(Path path) {
        openDefaultFile();
        BufferedWriter previous = file;
        Path previousPath = filePath;
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            file = Files.newBufferedWriter(path, StandardCharsets.UTF_8);
            filePath = path;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the log file " + path, e);
        }
        return () -> {
            synchronized (RunLog.class) {
                closeFile();
                file = previous;
                filePath = previousPath;
            }
        };
    }

    /**
     * Sends console-bound records to {@code target} instead of {@code System.err} until the returned redirect is
     * closed.
     *
     * @param target      receives the records to show, whole
     * @param beVerbose   whether records from INFO up go to the console too
     * @return restores the previous console and verbosity
     */
    public static synchronized Redirect toConsole(Consumer<Entry> target, boolean beVerbose) {
        Consumer<Entry> previous = console;
        boolean previousVerbose = verbose;
        console = Objects.requireNonNull(target, "target");
        verbose = beVerbose;
        return () -> {
            synchronized (RunLog.class) {
                console = previous;
                verbose = previousVerbose;
            }
        };
    }

    /** @return the file the log goes to now, or null when none is open */
    public static synchronized Path file() {
        openDefaultFile();
        return file == null ? null : filePath;
    }

    /** @return whether records from INFO up go to the console */
    public static synchronized boolean verbose() {
        return verbose;
    }

    private static boolean onConsole(Level level) {
        return level.compareTo(Level.WARN) >= 0
                || level.compareTo(Level.INFO) >= 0 && (verbose || file == null);
    }

    // The JVM-wide file of -Dhostspec.log, opened on first use and appended to (several test JVMs share it).
    private static void openDefaultFile() {
        if (defaultFileTried) {
            return;
        }
        defaultFileTried = true;
        String configured = System.getProperty(FILE_PROPERTY);
        if (configured == null || configured.isBlank()) {
            return;
        }
        Path path = Path.of(configured);
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            file = Files.newBufferedWriter(path, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            filePath = path;
            file.write("---- " + Instant.now() + " pid " + ProcessHandle.current().pid() + " "
                    + System.getProperty("sun.java.command", "") + System.lineSeparator());
        } catch (IOException e) {
            file = null;
            STDERR.accept(new Entry(Instant.now(), Level.WARN, RunLog.class.getName(), Thread.currentThread()
                    .getName(), "cannot open the log file " + path + " (-D" + FILE_PROPERTY + "): " + e, null));
        }
    }

    private static void closeFile() {
        if (file != null) {
            try {
                file.close();
            } catch (IOException ignored) {
                // the log is best effort; the run's result does not depend on it
            }
        }
        file = null;
        filePath = null;
    }
}
