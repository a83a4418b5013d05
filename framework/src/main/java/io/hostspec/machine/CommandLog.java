package io.hostspec.machine;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every command run in a guest, as it finishes, for reports that attach commands and their output (like
 * {@link LogSection} does for sections). Listeners are JVM-wide and called on the thread that ran the command.
 */
public final class CommandLog {

    /** Receives every finished guest command. */
    @FunctionalInterface
    public interface Listener {
        /**
         * Called on the thread that ran the command.
         *
         * @param host   the machine's name
         * @param result the command with its exit code and output
         */
        void commandFinished(String host, ExecResult result);
    }

    private static final Logger LOG = LoggerFactory.getLogger(CommandLog.class);
    private static final List<Listener> LISTENERS = new CopyOnWriteArrayList<>();

    private CommandLog() {
    }

    /** Registers a listener. */
    public static void addListener(Listener listener) {
        LISTENERS.add(listener);
    }

    /** Removes a listener added with {@link #addListener}. */
    public static void removeListener(Listener listener) {
        LISTENERS.remove(listener);
    }

    /** Tells every listener; a failing listener is logged, never thrown to the command's caller. */
    public static void finished(String host, ExecResult result) {
        for (Listener listener : LISTENERS) {
            try {
                listener.commandFinished(host, result);
            } catch (RuntimeException e) {
                LOG.warn("command listener {} failed: {}", listener, e.toString());
            }
        }
        // the run's log file keeps every guest command (DEBUG); reports attach their output
        LOG.debug("[{}] $ {} -> exit {} in {} ms", host, result.command(), result.exitCode(),
                result.duration().toMillis());
    }
}
