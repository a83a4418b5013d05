package io.hostspec.machine;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A timed, nested log section tied to a machine, e.g. {@code [web] boot ... 19.8 s}. Open with
 * {@link #open(String, String)} in a try-with-resources; call {@link #failed(Throwable)} before the close when the
 * body failed. Listeners see every section open (the console's live line) and close (reports). Both ends go to the
 * log at INFO, which a run keeps in its log file; a failure reaches the user through whatever the body throws.
 */
public final class LogSection implements AutoCloseable {

    /** Receives every closed section, e.g. to mirror it as a report step, and optionally every opened one. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called on the thread that opened the section, which is the thread that will close it.
         *
         * @param section the section that begins
         */
        default void sectionOpened(Opened section) {
        }

        /**
         * Called on the thread that closed the section.
         *
         * @param section the closed section
         */
        void sectionClosed(Closed section);
    }

    /**
     * A finished section.
     *
     * @param host     the machine the section belongs to
     * @param title    what was done
     * @param start    when it began
     * @param duration how long it took
     * @param depth    nesting depth on its thread, 0 for outermost
     * @param failure  why it failed, if it did
     */
    public record Closed(String host, String title, Instant start, Duration duration, int depth,
                         Optional<Throwable> failure) {
    }

    /**
     * A section that begins.
     *
     * @param host  the machine the section belongs to
     * @param title what is being done
     * @param start when it began
     * @param depth nesting depth on its thread, 0 for outermost
     */
    public record Opened(String host, String title, Instant start, int depth) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(LogSection.class);
    private static final List<Listener> LISTENERS = new CopyOnWriteArrayList<>();
    private static final ThreadLocal<Integer> DEPTH = ThreadLocal.withInitial(() -> 0);

    private final String host;
    private final String title;
    private final Instant start = Instant.now();
    private final long startNanos = System.nanoTime();
    private final int depth;
    private Throwable failure;
    private boolean closed;

    private LogSection(String host, String title) {
        this.host = host;
        this.title = title;
        this.depth = DEPTH.get();
        DEPTH.set(depth + 1);
        LOG.info("{}[{}] {} ...", indent(depth), host, title);
        Opened event = new Opened(host, title, start, depth);
        for (Listener listener : LISTENERS) {
            try {
                listener.sectionOpened(event);
            } catch (RuntimeException e) {
                LOG.warn("log section listener {} failed: {}", listener, e.toString());
            }
        }
    }

    /**
     * Opens a section and logs its beginning.
     *
     * @param host  the machine's name
     * @param title what is being done, e.g. {@code boot}
     * @return the open section; close it when done
     */
    public static LogSection open(String host, String title) {
        return new LogSection(host, title);
    }

    /**
     * Registers a listener for closed sections.
     *
     * @param listener the listener
     */
    public static void addListener(Listener listener) {
        LISTENERS.add(listener);
    }

    /**
     * Removes a listener added with {@link #addListener}.
     *
     * @param listener the listener
     */
    public static void removeListener(Listener listener) {
        LISTENERS.remove(listener);
    }

    /**
     * Marks the section as failed; the close logs the failure.
     *
     * @param cause why it failed
     * @return the cause, so callers can {@code throw section.failed(e)}
     */
    public <T extends Throwable> T failed(T cause) {
        this.failure = cause;
        return cause;
    }

    /** @return the time since the section opened */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /** Logs the section's duration (and failure) and notifies listeners. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        DEPTH.set(depth);
        Duration took = elapsed();
        if (failure == null) {
            LOG.info("{}[{}] {} ... {}", indent(depth), host, title, seconds(took));
        } else {
            LOG.info("{}[{}] {} ... FAILED after {}: {}", indent(depth), host, title, seconds(took),
                    firstLine(failure.getMessage()));
        }
        Closed event = new Closed(host, title, start, took, depth, Optional.ofNullable(failure));
        for (Listener listener : LISTENERS) {
            try {
                listener.sectionClosed(event);
            } catch (RuntimeException e) {
                LOG.warn("log section listener {} failed: {}", listener, e.toString());
            }
        }
    }

    static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }

    private static String indent(int depth) {
        return "  ".repeat(depth);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
