package io.hostspec.report;

import io.hostspec.machine.CommandLog;
import io.hostspec.machine.ExecResult;
import io.hostspec.machine.LogSection;
import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.model.Attachment;
import io.qameta.allure.model.Stage;
import io.qameta.allure.model.Status;
import io.qameta.allure.model.StatusDetails;
import io.qameta.allure.model.StepResult;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The framework's evidence as Allure sees it, for Cucumber scenarios and JUnit tests alike: every {@link LogSection}
 * closed while a test (or a Gherkin step) ran becomes a nested, timed Allure step, and every guest command an
 * attachment (command, exit code, stdout, stderr) under the innermost section of its host that was open when it
 * finished.
 *
 * <p>A test's thread calls {@link #begin()} when it starts; events from that thread belong to it. Sections closed on
 * other threads (hosts booted in parallel) are claimed by the next {@link #attachToCurrent()} or {@link #discard()} on
 * any thread, exact when tests run one at a time. The listeners are installed once per JVM ({@link #install()}).
 */
public final class AllureTrail {

    /** Largest attached output per stream; the tail is kept. */
    public static final int MAX_OUTPUT = 64 * 1024;

    private record Event(String host, Instant at, LogSection.Closed section, ExecResult command) {
        Instant end() {
            return section == null ? at : section.start().plus(section.duration());
        }
    }

    private static final ThreadLocal<List<Event>> CURRENT = new ThreadLocal<>();
    private static final List<Event> ORPHANS = new ArrayList<>();
    private static boolean installed;

    private AllureTrail() {
    }

    /** Starts listening to sections and commands, once per JVM; later calls do nothing. */
    public static synchronized void install() {
        if (!installed) {
            LogSection.addListener(s -> offer(new Event(s.host(), s.start(), s, null)));
            CommandLog.addListener((host, r) -> offer(new Event(host, Instant.now(), null, r)));
            installed = true;
        }
    }

    /** The calling thread starts a test (or scenario): its events from now on belong to it. */
    public static void begin() {
        install();
        CURRENT.set(new ArrayList<>());
    }

    /** Drops what was collected since the last drain (e.g. the commands of hooks that close machines). */
    public static void discard() {
        drain();
    }

    /**
     * Adds what was collected since the last drain to the current Allure test case or step of this thread: sections as
     * nested steps, commands as attachments. Does nothing without a current test case.
     */
    public static void attachToCurrent() {
        attach(drain());
    }

    private static void offer(Event event) {
        List<Event> mine = CURRENT.get();
        if (mine != null) {
            mine.add(event);
        } else {
            synchronized (ORPHANS) {
                ORPHANS.add(event);
            }
        }
    }

    private static List<Event> drain() {
        List<Event> out = new ArrayList<>();
        List<Event> mine = CURRENT.get();
        if (mine != null) {
            out.addAll(mine);
            mine.clear();
        }
        synchronized (ORPHANS) {
            out.addAll(ORPHANS);
            ORPHANS.clear();
        }
        return out;
    }

    /** Builds the section tree (by host, nesting depth and time) and adds it to the current Allure step. */
    private static void attach(List<Event> events) {
        AllureLifecycle allure = Allure.getLifecycle();
        if (events.isEmpty() || allure.getCurrentTestCaseOrStep().isEmpty()) {
            return;
        }
        List<Event> sections = new ArrayList<>(events.stream().filter(e -> e.section() != null).toList());
        sections.sort(Comparator.comparing((Event e) -> e.section().start())
                .thenComparingInt(e -> e.section().depth()));
        List<StepResult> roots = new ArrayList<>();
        List<Event> open = new ArrayList<>();
        List<StepResult> openSteps = new ArrayList<>();
        Map<Event, StepResult> stepOf = new IdentityHashMap<>();
        for (Event e : sections) {
            StepResult step = step(e.section());
            stepOf.put(e, step);
            StepResult parent = null;
            for (int i = open.size() - 1; i >= 0; i--) {
                Event p = open.get(i);
                if (p.host().equals(e.host()) && p.section().depth() < e.section().depth()
                        && !e.section().start().isBefore(p.section().start()) && !e.end().isAfter(p.end())) {
                    parent = openSteps.get(i);
                    break;
                }
            }
            (parent == null ? roots : parent.getSteps()).add(step);
            open.add(e);
            openSteps.add(step);
        }
        List<Attachment> loose = new ArrayList<>();
        for (Event e : events) {
            if (e.command() == null) {
                continue;
            }
            Attachment a = write(allure, e.host(), e.command());
            Event inner = null;
            for (Event s : sections) {
                if (s.host().equals(e.host()) && !e.at().isBefore(s.section().start()) && !e.at().isAfter(s.end())
                        && (inner == null || s.section().depth() > inner.section().depth())) {
                    inner = s;
                }
            }
            (inner == null ? loose : stepOf.get(inner).getAttachments()).add(a);
        }
        String current = allure.getCurrentTestCaseOrStep().get();
        if (allure.getCurrentTestCase().filter(current::equals).isPresent()) {
            // a JUnit test: no step is open, the test case itself holds them
            allure.updateTestCase(current, t -> {
                t.getSteps().addAll(roots);
                t.getAttachments().addAll(loose);
            });
        } else {
            allure.updateStep(s -> {
                s.getSteps().addAll(roots);
                s.getAttachments().addAll(loose);
            });
        }
    }

    private static StepResult step(LogSection.Closed s) {
        StepResult step = new StepResult()
                .setName("[" + s.host() + "] " + s.title() + String.format(Locale.ROOT, " (%.1f s)",
                        s.duration().toMillis() / 1000.0))
                .setStart(s.start().toEpochMilli())
                .setStop(s.start().plus(s.duration()).toEpochMilli())
                .setStage(Stage.FINISHED)
                .setStatus(s.failure().isPresent() ? Status.FAILED : Status.PASSED);
        s.failure().ifPresent(t -> step.setStatusDetails(new StatusDetails().setMessage(t.getMessage())));
        return step;
    }

    private static Attachment write(AllureLifecycle allure, String host, ExecResult r) {
        String text = "$ " + r.command() + "\nexit " + r.exitCode() + " after "
                + String.format(Locale.ROOT, "%.2f s", r.duration().toMillis() / 1000.0)
                + "\n--- stdout ---\n" + tail(r.stdout()) + "\n--- stderr ---\n" + tail(r.stderr());
        String source = UUID.randomUUID() + "-attachment.txt";
        allure.writeAttachment(source, new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
        String name = "[" + host + "] $ " + (r.command().length() > 80 ? r.command().substring(0, 80) + "..."
                : r.command()) + " (exit " + r.exitCode() + ")";
        return new Attachment().setName(name).setSource(source).setType("text/plain");
    }

    /** The last {@value #MAX_OUTPUT} characters of an output. */
    public static String tail(String text) {
        return text.length() <= MAX_OUTPUT ? text : "...\n" + text.substring(text.length() - MAX_OUTPUT);
    }
}
