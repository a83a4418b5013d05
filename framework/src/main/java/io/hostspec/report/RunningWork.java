package io.hostspec.report;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * What runs right now, for the console: the scenarios, and per thread the stack of open work (log sections and image
 * build stages, outermost first). Work at the bottom of a stack that has run for {@link ConsoleProgress#LONG_WORK} is
 * <em>announced</em> once, under the label of the whole stack at that moment ({@code [xoa] warm start > cold boot and
 * take a warm snapshot}), and its end is then worth a line. Not thread-safe: {@link ConsoleProgress} holds its lock.
 */
final class RunningWork {

    private final LongSupplier nanos;
    private final Map<Thread, Deque<Work>> stacks = new LinkedHashMap<>();
    private final Map<String, Scenario> scenarios = new LinkedHashMap<>();

    // One piece of open work on a thread.
    private static final class Work {
        final String host;
        final String title;
        final boolean stage;
        final long start;
        String announced;

        Work(String host, String title, boolean stage, long start) {
            this.host = host;
            this.title = title;
            this.stage = stage;
            this.start = start;
        }

        boolean is(String otherHost, String otherTitle, boolean otherStage) {
            return stage == otherStage && host.equals(otherHost) && title.equals(otherTitle);
        }
    }

    private record Scenario(String name, Thread thread, long start) {
    }

    RunningWork(LongSupplier nanos) {
        this.nanos = nanos;
    }

    /** Work begins on {@code thread}; {@code stage} tells image build stages from log sections. */
    void open(Thread thread, String host, String title, boolean stage) {
        Deque<Work> stack = stacks.computeIfAbsent(thread, t -> new ArrayDeque<>());
        if (stage && !stack.isEmpty() && stack.peekLast().stage) {
            stack.removeLast(); // a stage that failed never reports its end; the next one replaces it
        }
        stack.addLast(new Work(host, title, stage, nanos.getAsLong()));
    }

    /**
     * Work ended on {@code thread} (with the work opened after it, which did not say so).
     *
     * @return the line for its end, when it was announced
     */
    Optional<String> close(Thread thread, String host, String title, boolean stage, Duration took, boolean failed) {
        Deque<Work> stack = stacks.get(thread);
        if (stack == null || stack.stream().noneMatch(w -> w.is(host, title, stage))) {
            return Optional.empty();
        }
        Optional<String> line = Optional.empty();
        while (!stack.isEmpty()) {
            Work w = stack.removeLast();
            if (w.is(host, title, stage)) {
                if (w.announced != null) {
                    line = Optional.of(w.announced + (failed ? " ... FAILED after " : " ... ")
                            + ScenarioLine.seconds(took));
                }
                break;
            }
        }
        if (stack.isEmpty()) {
            stacks.remove(thread);
        }
        return line;
    }

    /** A scenario starts on {@code thread}. */
    void scenarioStarted(String id, String name, Thread thread) {
        scenarios.put(id, new Scenario(name, thread, nanos.getAsLong()));
    }

    /**
     * A scenario ended: work its thread left open is forgotten.
     *
     * @return how long it ran, or zero when its start was not seen (skipped)
     */
    Duration scenarioFinished(String id) {
        Scenario s = scenarios.remove(id);
        if (s == null) {
            return Duration.ZERO;
        }
        stacks.remove(s.thread());
        return Duration.ofNanos(nanos.getAsLong() - s.start());
    }

    /** @return the labels of work that just became long, each returned once */
    List<String> announce() {
        long now = nanos.getAsLong();
        List<String> out = new ArrayList<>();
        for (Deque<Work> stack : stacks.values()) {
            Work outer = stack.peekFirst();
            if (outer != null && outer.announced == null && now - outer.start >= ConsoleProgress.LONG_WORK.toNanos()) {
                outer.announced = label(stack);
                out.add(outer.announced);
            }
        }
        return out;
    }

    /**
     * The live line's text: the scenarios and stacks running for {@link ConsoleProgress#LIVE_AFTER}, with their whole
     * seconds, e.g. {@code [3/26] The XO server answers 12 s | [xoa] warm start > cold boot ... 10 s}.
     *
     * @return the text, empty when nothing has run that long
     */
    String live(int done, int total) {
        long now = nanos.getAsLong();
        long after = ConsoleProgress.LIVE_AFTER.toNanos();
        List<String> parts = new ArrayList<>();
        for (Scenario s : scenarios.values()) {
            if (now - s.start() >= after) {
                parts.add(s.name() + " " + (now - s.start()) / 1_000_000_000L + " s");
            }
        }
        for (Deque<Work> stack : stacks.values()) {
            Work outer = stack.peekFirst();
            if (outer != null && now - outer.start >= after) {
                parts.add(label(stack) + " " + (now - outer.start) / 1_000_000_000L + " s");
            }
        }
        return parts.isEmpty() ? "" : "[" + done + "/" + total + "] " + String.join(" | ", parts);
    }

    /** Forgets everything. */
    void clear() {
        stacks.clear();
        scenarios.clear();
    }

    // [xoa] warm start > cold boot and take a warm snapshot: a host is named when it changes along the stack
    private static String label(Deque<Work> stack) {
        StringBuilder b = new StringBuilder();
        String host = null;
        for (Work w : stack) {
            if (b.length() > 0) {
                b.append(" > ");
            }
            if (!w.host.equals(host)) {
                b.append('[').append(w.host).append("] ");
                host = w.host;
            }
            b.append(w.title);
        }
        return b.toString();
    }
}
