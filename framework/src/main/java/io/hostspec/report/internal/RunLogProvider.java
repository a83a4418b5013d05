package io.hostspec.report.internal;

import io.hostspec.report.RunLog;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SLF4J backend of hostspec (found through {@code META-INF/services}): every logger hands its records to
 * {@link RunLog}, which decides between the log file and the console.
 */
public final class RunLogProvider implements SLF4JServiceProvider {

    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, RunLogLogger::new);
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
        // nothing to read: RunLog is configured by the run (report folder, verbosity) and system properties
    }

    /** A named logger writing through {@link RunLog}. */
    private static final class RunLogLogger extends LegacyAbstractLogger {

        private static final long serialVersionUID = 1L;

        // Libraries log from INFO up: docker-java's HTTP "wire" logger alone wrote 75,000 DEBUG lines in one
        // container run, burying hostspec's own lines.
        private final boolean own;

        // Warnings that say nothing to a hostspec user, kept in the log file as INFO instead of on the console:
        // Testcontainers' "Ryuk has been disabled" banner (hostspec turns Ryuk off on purpose, nothing may be pulled,
        // and removes its containers and networks itself: ContainerEngine's reaper and shutdown hook).
        private static final java.util.Set<String> WARNINGS_AS_INFO = java.util.Set.of(
                "org.testcontainers.utility.ResourceReaper");

        private final boolean warningsAsInfo;

        RunLogLogger(String name) {
            this.name = name;
            this.own = name.startsWith("io.hostspec.");
            this.warningsAsInfo = WARNINGS_AS_INFO.contains(name);
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return own && RunLog.enabled(RunLog.Level.DEBUG);
        }

        @Override
        public boolean isInfoEnabled() {
            return RunLog.enabled(RunLog.Level.INFO);
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                                                   Throwable throwable) {
            RunLog.Level mine = RunLog.Level.valueOf(level.name());
            if (warningsAsInfo && mine == RunLog.Level.WARN) {
                mine = RunLog.Level.INFO;
            }
            if (!RunLog.enabled(mine) || (!own && mine.compareTo(RunLog.Level.INFO) < 0)) {
                return;
            }
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            RunLog.append(new RunLog.Entry(Instant.now(), mine, name, Thread.currentThread().getName(), message,
                    throwable));
        }
    }
}
