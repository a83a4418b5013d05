package io.hostspec.cli;

import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.DiscoveryIssueException;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Discovery of a run's features, with Gherkin syntax errors turned into one configuration error that names each
 * file:line:column (exit 2), instead of the engine's log record and exception.
 */
final class FeatureErrors {

    /** The engine also logs each discovery issue; the error this class throws says it once. */
    private static final Logger NOTIFIER = Logger.getLogger(
            "org.junit.platform.launcher.core.DiscoveryIssueNotifier");
    private static final Pattern PARSE_ERROR = Pattern.compile(
            "Failed to parse resource at: (?:file:(?://)?)?(\\S+)\\s*\\R\\((\\d+):(\\d+)\\): ([^\\r\\n]*)");

    private FeatureErrors() {
    }

    /**
     * Discovers the plan of a run.
     *
     * @throws IllegalArgumentException when a feature file cannot be parsed: one line per error, {@code file:line:col:
     *                                  what the parser expected and got}
     */
    static TestPlan discover(Launcher launcher, LauncherDiscoveryRequest request) {
        Level before = NOTIFIER.getLevel();
        NOTIFIER.setLevel(Level.OFF);
        try {
            return launcher.discover(request);
        } catch (DiscoveryIssueException e) {
            throw new IllegalArgumentException(describe(e.getMessage()), e);
        } finally {
            NOTIFIER.setLevel(before);
        }
    }

    /** The engine's issue report as {@code file:line:col: message} lines, or the report itself when not a parse error. */
    static String describe(String engineReport) {
        List<String> lines = new ArrayList<>();
        Matcher m = PARSE_ERROR.matcher(engineReport);
        while (m.find()) {
            lines.add(m.group(1) + ":" + m.group(2) + ":" + m.group(3) + ": " + m.group(4));
        }
        return lines.isEmpty() ? "feature discovery failed: " + engineReport
                : "feature file error" + (lines.size() > 1 ? "s" : "") + ":\n  " + String.join("\n  ", lines);
    }
}
