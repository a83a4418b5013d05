package io.hostspec.report;

import io.hostspec.image.BuildStage;
import io.hostspec.machine.LogSection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console's rendering on a fake clock, on a terminal (one live line rewritten with {@code \r}) and off one
 * (start and end lines): what a person reads is checked through a tiny terminal that applies carriage returns.
 */
class ConsoleProgressTest {

    private static final ScenarioLine.Location WHERE = new ScenarioLine.Location("features/core/host.feature", 12);

    @TempDir
    Path tmp;

    private final AtomicLong now = new AtomicLong();
    private final StringWriter written = new StringWriter();
    private ConsoleProgress console;

    @AfterEach
    void endTheRun() {
        if (console != null) {
            console.end();
        }
    }

    private ConsoleProgress console(boolean terminal, boolean verbose) {
        console = ConsoleProgress.manual(new PrintWriter(written, true),
                terminal ? new ConsoleProgress.Terminal(true, 80) : ConsoleProgress.Terminal.NONE, verbose,
                tmp.resolve("hostspec.log"), now::get);
        console.begin(2);
        return console;
    }

    private void advance(int seconds) {
        now.addAndGet(Duration.ofSeconds(seconds).toNanos());
    }

    private static void open(ConsoleProgress c, String host, String title, int depth) {
        c.sectionOpened(new LogSection.Opened(host, title, Instant.now(), depth));
    }

    private static void close(ConsoleProgress c, String host, String title, int depth, int seconds, boolean failed) {
        c.sectionClosed(new LogSection.Closed(host, title, Instant.now(), Duration.ofSeconds(seconds), depth,
                failed ? Optional.of(new IllegalStateException("boom")) : Optional.empty()));
    }

    // What a terminal shows: a carriage return moves back to the start of the line, text overwrites.
    static List<String> screen(String output) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int col = 0;
        for (char ch : output.replace(System.lineSeparator(), "\n").toCharArray()) {
            if (ch == '\r') {
                col = 0;
            } else if (ch == '\n') {
                lines.add(line.toString().stripTrailing());
                line.setLength(0);
                col = 0;
            } else {
                if (col < line.length()) {
                    line.setCharAt(col, ch);
                } else {
                    line.append(ch);
                }
                col++;
            }
        }
        lines.add(line.toString().stripTrailing());
        return lines;
    }

    @Test
    void offATerminalLongWorkGetsAStartAndAnEndLineAndShortWorkNone() {
        ConsoleProgress c = console(false, false);
        c.started("s1", "The host boots");
        open(c, "xoa", "restore warm snapshot ab12", 0);
        advance(1);
        close(c, "xoa", "restore warm snapshot ab12", 0, 1, false);
        open(c, "xoa", "warm start", 0);
        open(c, "xoa", "cold boot and take a warm snapshot", 1);
        advance(3);
        c.tick();
        advance(3);
        c.tick();
        c.tick();
        advance(35);
        close(c, "xoa", "cold boot and take a warm snapshot", 1, 38, false);
        close(c, "xoa", "warm start", 0, 38, false);
        c.finished("s1", ConsoleProgress.Outcome.PASSED, WHERE, "The host boots", null);

        String out = written.toString();
        assertFalse(out.contains("\r"), "no carriage return off a terminal: " + out);
        assertEquals(List.of(
                "2 scenarios; the whole log is in " + tmp.resolve("hostspec.log"),
                "[xoa] warm start > cold boot and take a warm snapshot ...",
                "[xoa] warm start > cold boot and take a warm snapshot ... 38.0 s",
                "PASSED   42.0 s  The host boots (features/core/host.feature:12)",
                ""), screen(out));
    }

    @Test
    void onATerminalRunningWorkIsOneLiveLineThatGoesAwayForResults() {
        ConsoleProgress c = console(true, false);
        c.started("s1", "The host boots");
        c.stageStarted("xoa", BuildStage.BASE_LAYER);
        advance(2);
        c.tick();
        String live = written.toString();
        assertTrue(live.endsWith("\r[0/2] The host boots 2 s | [xoa] image: base layer 2 s"), live);
        advance(10);
        c.tick();
        assertTrue(written.toString().endsWith("\r[0/2] The host boots 12 s | [xoa] image: base layer 12 s"),
                written.toString());
        c.stageFinished("xoa", BuildStage.BASE_LAYER, Duration.ofSeconds(12));
        c.stageStarted("xoa", BuildStage.APPLY_RECIPE);
        c.stageFinished("xoa", BuildStage.APPLY_RECIPE, Duration.ZERO);
        c.finished("s1", ConsoleProgress.Outcome.PASSED, WHERE, "The host boots", null);
        c.tick();

        List<String> screen = screen(written.toString());
        assertEquals(List.of(
                "2 scenarios; the whole log is in " + tmp.resolve("hostspec.log"),
                "[xoa] image: base layer ... 12.0 s",
                "PASSED   12.0 s  The host boots (features/core/host.feature:12)",
                ""), screen, "the live line leaves nothing behind: " + written);
    }

    @Test
    void realLogSectionsFeedTheConsoleWhileTheRunRuns() {
        console(false, false);
        try (LogSection boot = LogSection.open("xoa", "reboot")) {
            try (LogSection agent = LogSection.open("xoa", "wait for the guest agent")) {
                advance(6);
                console.tick();
            }
        }
        List<String> screen = screen(written.toString());
        assertEquals("[xoa] reboot > wait for the guest agent ...", screen.get(1));
        assertTrue(screen.get(2).startsWith("[xoa] reboot > wait for the guest agent ... 0."), screen.get(2));
    }

    @Test
    void imageBuildersMadeBeforeTheRunReachTheActiveConsole() {
        io.hostspec.image.BuildListener builders = new Timeline().andThen(ConsoleProgress.builds());
        builders.stageStarted("xoa", BuildStage.EXT4); // no console yet: nothing happens
        console(false, false);
        builders.stageStarted("xoa", BuildStage.QCOW2);
        advance(7);
        console.tick();
        builders.stageFinished("xoa", BuildStage.QCOW2, Duration.ofSeconds(7));
        List<String> screen = screen(written.toString());
        assertEquals(List.of("[xoa] image: qcow2 ...", "[xoa] image: qcow2 ... 7.0 s", ""),
                screen.subList(1, screen.size()));
    }

    @Test
    void aLiveLineIsCutToTheTerminalsWidth() {
        ConsoleProgress c = console(true, false);
        c.started("s1", "A scenario whose name is much longer than any terminal is wide, and then some more words");
        advance(3);
        c.tick();
        String last = screen(written.toString()).get(1);
        assertEquals(79, last.length(), last);
        assertTrue(last.endsWith("..."), last);
    }

    @Test
    void aFailureIsToldInFullWithTheStepAndAFailedSectionSaysSo() {
        ConsoleProgress c = console(false, false);
        c.started("s1", "The web server answers");
        open(c, "xoa", "wait for unit nginx.service", 0);
        advance(6);
        c.tick();
        close(c, "xoa", "wait for unit nginx.service", 0, 6, true);
        AssertionError failure = new AssertionError("[xoa] nginx.service did not become active within 120 s\n"
                + "systemctl status: failed (Result: exit-code)\nserial console tail:\n  nginx: bad config");
        failure.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("io.hostspec.machine.Machine", "waitForUnit", "Machine.java", 10),
            new StackTraceElement("✽", "the unit \"nginx.service\" is active on \"xoa\"",
                    "file:///nowhere/features/web.feature", 14)});
        c.finished("s1", ConsoleProgress.Outcome.FAILED, WHERE, "The web server answers", failure);

        List<String> screen = screen(written.toString());
        assertEquals(List.of(
                "[xoa] wait for unit nginx.service ...",
                "[xoa] wait for unit nginx.service ... FAILED after 6.0 s",
                "FAILED    6.0 s  The web server answers (features/core/host.feature:12)",
                "    step: the unit \"nginx.service\" is active on \"xoa\" (/nowhere/features/web.feature:14)",
                "    [xoa] nginx.service did not become active within 120 s",
                "    systemctl status: failed (Result: exit-code)",
                "    serial console tail:",
                "      nginx: bad config",
                ""), screen.subList(1, screen.size()));
    }

    @Test
    void anUnexpectedExceptionShowsWhereItCameFrom() {
        ConsoleProgress c = console(false, false);
        RuntimeException bug = new NullPointerException("Cannot invoke \"String.length()\" because \"s\" is null");
        bug.setStackTrace(new StackTraceElement[] {
            new StackTraceElement("io.hostspec.lab.Host", "start", "Host.java", 42),
            new StackTraceElement("✽", "a host \"xoa\"", "file:///nowhere/x.feature", 3),
            new StackTraceElement("io.cucumber.Runner", "run", "Runner.java", 1)});
        c.finished("s1", ConsoleProgress.Outcome.FAILED, WHERE, "boom", bug);
        String out = written.toString();
        assertTrue(out.contains("    java.lang.NullPointerException: Cannot invoke"), out);
        assertTrue(out.contains("      at io.hostspec.lab.Host.start(Host.java:42)"), out);
        assertFalse(out.contains("Runner"), "frames stop at the step: " + out);
    }

    @Test
    void warningsReachTheConsoleTheRestOnlyTheLogFileUnlessVerbose() throws Exception {
        console(false, false);
        LoggerFactory.getLogger("io.hostspec.machine.Machine").info("[xoa] wait for the guest agent ... 3.1 s");
        LoggerFactory.getLogger("io.hostspec.machine.Machine").warn("[xoa] falling back to a cold boot");
        String out = written.toString();
        assertTrue(out.contains("WARN [xoa] falling back to a cold boot"), out);
        assertFalse(out.contains("guest agent"), out);
        String log = Files.readString(tmp.resolve("hostspec.log"));
        assertTrue(log.contains("INFO  [main] Machine - [xoa] wait for the guest agent ... 3.1 s"), log);
        assertTrue(log.contains("WARN  [main] Machine - [xoa] falling back to a cold boot"), log);
    }

    @Test
    void verboseShowsTheLogOnTheConsole() {
        console(false, true);
        LoggerFactory.getLogger("io.hostspec.machine.Machine").info("[xoa] wait for the guest agent ... 3.1 s");
        assertTrue(written.toString().contains("INFO  [main] Machine - [xoa] wait for the guest agent ... 3.1 s"),
                written.toString());
    }

    @Test
    void theEndGivesTheConsoleBackAndSaysTheTotals() throws Exception {
        ConsoleProgress c = console(false, false);
        c.finished("s1", ConsoleProgress.Outcome.PASSED, WHERE, "a", null);
        c.finished("s2", ConsoleProgress.Outcome.SKIPPED, WHERE, "b", null);
        c.end();
        String out = written.toString();
        assertTrue(out.contains("hostspec: 1 passed, 0 failed, 1 skipped; log: " + tmp.resolve("hostspec.log")), out);
        int before = out.length();
        LoggerFactory.getLogger("x").info("after the run");
        LogSection.open("xoa", "late").close();
        assertEquals(before, written.toString().length(), "nothing reaches an ended console");
        assertFalse(Files.readString(tmp.resolve("hostspec.log")).contains("after the run"), "the run's log is closed");
    }
}
