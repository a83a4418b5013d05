package io.hostspec.report;

import io.hostspec.image.BuildListener;
import io.hostspec.image.BuildStage;
import io.hostspec.machine.LogSection;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run as a picture: one lane per machine with its image build stages, boots, restores, waits and other log
 * sections (nested sections drawn below their parent), and a lane of scenarios on top. Fed by {@link LogSection}
 * events, {@link BuildListener} stages and scenario start/end; one instance per JVM ({@link #current()}), reset when
 * a run starts. Thread-safe.
 */
public final class Timeline implements LogSection.Listener, BuildListener {

    /** The file name of the picture in a report folder. */
    public static final String SVG_FILE = "timeline.svg";
    /** The lane of scenarios. */
    public static final String SCENARIOS = "scenarios";

    private static final Timeline CURRENT = new Timeline();
    private static final Map<String, String> COLORS = new LinkedHashMap<>();

    static {
        COLORS.put("image build", "#8e6bbf");
        COLORS.put("cold boot", "#d9822b");
        COLORS.put("restore", "#2b8fd9");
        COLORS.put("start", "#7fb2e5");
        COLORS.put("wait", "#9ccc65");
        COLORS.put("other", "#bbbbbb");
        COLORS.put("scenario passed", "#3c9a3c");
        COLORS.put("scenario failed", "#d04040");
        COLORS.put("scenario skipped", "#c9b03c");
    }

    private final List<Span> spans = new ArrayList<>();

    /**
     * One bar.
     *
     * @param lane     the machine's name, or {@value #SCENARIOS}
     * @param kind     a key of the legend, e.g. {@code cold boot}
     * @param title    what was done
     * @param start    when it began
     * @param duration how long it took
     * @param depth    nesting depth within its lane
     * @param failed   whether it failed
     */
    public record Span(String lane, String kind, String title, Instant start, Duration duration, int depth,
                       boolean failed) {
    }

    /** A fresh, empty timeline (tests; runs use {@link #current()}). */
    public Timeline() {
    }

    /** The timeline of this JVM's run. */
    public static Timeline current() {
        return CURRENT;
    }

    /** Forgets everything, at the start of a run. */
    public synchronized void reset() {
        spans.clear();
    }

    /** Adds a bar. */
    public synchronized void add(Span span) {
        spans.add(span);
    }

    /** Every bar so far. */
    public synchronized List<Span> spans() {
        return List.copyOf(spans);
    }

    @Override
    public void sectionClosed(LogSection.Closed s) {
        add(new Span(s.host(), kind(s.title()), s.title(), s.start(), s.duration(), s.depth(), s.failure().isPresent()));
    }

    @Override
    public void stageFinished(String host, BuildStage stage, Duration elapsed) {
        add(new Span(host, "image build", "image: " + stage.label(), Instant.now().minus(elapsed), elapsed, 0, false));
    }

    /** Adds a scenario's bar to the scenarios lane. */
    public void scenario(String name, Instant start, Duration duration, String status) {
        add(new Span(SCENARIOS, "scenario " + status, name, start, duration, 0, "failed".equals(status)));
    }

    static String kind(String title) {
        if (title.startsWith("cold boot")) {
            return "cold boot";
        }
        if (title.startsWith("restore")) {
            return "restore";
        }
        if (title.startsWith("wait")) {
            return "wait";
        }
        if (title.startsWith("warm start") || title.startsWith("launch") || title.startsWith("reboot")) {
            return "start";
        }
        return "other";
    }

    /** The picture: a time axis, the scenarios lane, one lane per machine in order of first appearance, a legend. */
    public synchronized String svg() {
        int labelWidth = 140;
        int plotWidth = 1100;
        int bar = 12;
        Instant t0 = spans.stream().map(Span::start).min(Comparator.naturalOrder()).orElse(Instant.EPOCH);
        Instant t1 = spans.stream().map(s -> s.start().plus(s.duration())).max(Comparator.naturalOrder()).orElse(t0);
        double total = Math.max(1, Duration.between(t0, t1).toMillis());
        Map<String, Integer> lanes = new LinkedHashMap<>();
        lanes.put(SCENARIOS, 0);
        spans.stream().sorted(Comparator.comparing(Span::start)).forEach(s -> lanes.merge(s.lane(), s.depth(),
                Math::max));
        StringBuilder body = new StringBuilder();
        int y = 30;
        for (var lane : lanes.entrySet()) {
            int height = (lane.getValue() + 1) * (bar + 2) + 8;
            body.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>"
                    + "<text x=\"4\" y=\"%d\" font-weight=\"bold\">%s</text>%n", y, labelWidth + plotWidth + 10,
                    height, lanes.keySet().stream().toList().indexOf(lane.getKey()) % 2 == 0 ? "#f6f6f6" : "#ffffff",
                    y + 14, CoverageReport.escape(lane.getKey())));
            for (Span s : spans) {
                if (!s.lane().equals(lane.getKey())) {
                    continue;
                }
                double x = labelWidth + plotWidth * Duration.between(t0, s.start()).toMillis() / total;
                double w = Math.max(1, plotWidth * s.duration().toMillis() / total);
                int by = y + 4 + s.depth() * (bar + 2);
                String tip = s.title() + " (" + String.format(Locale.ROOT, "%.1f s", s.duration().toMillis() / 1000.0)
                        + (s.failed() ? ", FAILED" : "") + ")";
                body.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                        + "fill=\"%s\"%s><title>%s</title></rect>", x, by, w, bar,
                        COLORS.getOrDefault(s.kind(), "#bbbbbb"), s.failed() ? " stroke=\"#d04040\"" : "",
                        CoverageReport.escape(tip)));
                if (w > 7 * Math.min(s.title().length(), 40)) {
                    body.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" "
                            + "pointer-events=\"none\">%s</text>", x + 2, by + 9,
                            CoverageReport.escape(s.title().length() > 40 ? s.title().substring(0, 40) : s.title())));
                }
                body.append('\n');
            }
            y += height;
        }
        StringBuilder axis = new StringBuilder();
        double step = niceStep(total / 1000.0);
        for (double t = 0; t <= total / 1000.0; t += step) {
            double x = labelWidth + plotWidth * t * 1000 / total;
            axis.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"24\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ccc\"/>"
                    + "<text x=\"%.1f\" y=\"20\" text-anchor=\"middle\">%s s</text>%n", x, x, y,
                    x, step >= 1 ? String.valueOf((long) t) : String.format(Locale.ROOT, "%.1f", t)));
        }
        StringBuilder legend = new StringBuilder();
        int lx = 4;
        for (var c : COLORS.entrySet()) {
            legend.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>", lx, y + 10, c.getValue(), lx + 16, y + 20, c.getKey()));
            lx += 16 + 7 * c.getKey().length() + 14;
        }
        return String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n<title>hostspec run timeline (%.1f s)</title>%n",
                labelWidth + plotWidth + 10, y + 34, total / 1000.0)
                + axis + body + legend + "\n</svg>\n";
    }

    private static double niceStep(double seconds) {
        for (double s : new double[] {0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1200}) {
            if (seconds / s <= 12) {
                return s;
            }
        }
        return 1800;
    }
}
