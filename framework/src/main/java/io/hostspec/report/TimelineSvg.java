package io.hostspec.report;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Draws timelines as one SVG on one wall-clock axis: per group (a run, or a CI job of a merged report) a header row
 * when the group has a name, then its scenarios lane and one lane per machine in order of first appearance, nested
 * sections below their parent; a legend at the bottom.
 */
final class TimelineSvg {

    private static final Map<String, String> COLORS = new LinkedHashMap<>();
    private static final int LABEL_WIDTH = 140;
    private static final int PLOT_WIDTH = 1100;
    private static final int BAR = 12;

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

    private TimelineSvg() {
    }

    /** The picture of these groups; an unnamed group gets no header row. */
    static String render(List<Timeline.Group> groups) {
        List<Timeline.Span> all = groups.stream().flatMap(g -> g.spans().stream()).toList();
        Instant t0 = all.stream().map(Timeline.Span::start).min(Comparator.naturalOrder()).orElse(Instant.EPOCH);
        Instant t1 = all.stream().map(s -> s.start().plus(s.duration())).max(Comparator.naturalOrder()).orElse(t0);
        double total = Math.max(1, Duration.between(t0, t1).toMillis());
        StringBuilder body = new StringBuilder();
        int y = 30;
        int stripe = 0;
        for (Timeline.Group group : groups) {
            if (!group.name().isEmpty()) {
                y = header(body, group, y);
            }
            Map<String, Integer> lanes = new LinkedHashMap<>();
            lanes.put(Timeline.SCENARIOS, 0);
            group.spans().stream().sorted(Comparator.comparing(Timeline.Span::start))
                    .forEach(s -> lanes.merge(s.lane(), s.depth(), Math::max));
            for (var lane : lanes.entrySet()) {
                int height = (lane.getValue() + 1) * (BAR + 2) + 8;
                body.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"%d\" "
                        + "fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-weight=\"bold\">%s</text>%n", y,
                        LABEL_WIDTH + PLOT_WIDTH + 10, height, stripe++ % 2 == 0 ? "#f6f6f6" : "#ffffff",
                        group.name().isEmpty() ? 4 : 12, y + 14, CoverageReport.escape(lane.getKey())));
                for (Timeline.Span s : group.spans()) {
                    if (s.lane().equals(lane.getKey())) {
                        bar(body, s, t0, total, y);
                    }
                }
                y += height;
            }
        }
        return String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"11\">%n<title>hostspec run timeline (%.1f s)</title>%n",
                LABEL_WIDTH + PLOT_WIDTH + 10, y + 34, total / 1000.0)
                + axis(total, y) + body + legend(y) + "\n</svg>\n";
    }

    private static int header(StringBuilder body, Timeline.Group group, int y) {
        long scenarios = group.spans().stream().filter(s -> s.lane().equals(Timeline.SCENARIOS)).count();
        long failed = group.spans().stream().filter(s -> s.lane().equals(Timeline.SCENARIOS) && s.failed()).count();
        Instant start = group.spans().stream().map(Timeline.Span::start).min(Comparator.naturalOrder())
                .orElse(Instant.EPOCH);
        Instant end = group.spans().stream().map(s -> s.start().plus(s.duration())).max(Comparator.naturalOrder())
                .orElse(start);
        body.append(String.format(Locale.ROOT, "<rect x=\"0\" y=\"%d\" width=\"%d\" height=\"20\" fill=\"#dde4ee\"/>"
                + "<text x=\"4\" y=\"%d\" font-weight=\"bold\">%s</text><text x=\"%d\" y=\"%d\">%d scenarios%s, "
                + "%.1f s</text>%n", y, LABEL_WIDTH + PLOT_WIDTH + 10, y + 14, CoverageReport.escape(group.name()),
                LABEL_WIDTH, y + 14, scenarios, failed > 0 ? " (" + failed + " failed)" : "",
                Duration.between(start, end).toMillis() / 1000.0));
        return y + 20;
    }

    private static void bar(StringBuilder body, Timeline.Span s, Instant t0, double total, int y) {
        double x = LABEL_WIDTH + PLOT_WIDTH * Duration.between(t0, s.start()).toMillis() / total;
        double w = Math.max(1, PLOT_WIDTH * s.duration().toMillis() / total);
        int by = y + 4 + s.depth() * (BAR + 2);
        String tip = s.title() + " (" + String.format(Locale.ROOT, "%.1f s", s.duration().toMillis() / 1000.0)
                + (s.failed() ? ", FAILED" : "") + ")";
        body.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                + "fill=\"%s\"%s><title>%s</title></rect>", x, by, w, BAR,
                COLORS.getOrDefault(s.kind(), "#bbbbbb"), s.failed() ? " stroke=\"#d04040\"" : "",
                CoverageReport.escape(tip)));
        if (w > 7 * Math.min(s.title().length(), 40)) {
            body.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"9\" "
                    + "pointer-events=\"none\">%s</text>", x + 2, by + 9,
                    CoverageReport.escape(s.title().length() > 40 ? s.title().substring(0, 40) : s.title())));
        }
        body.append('\n');
    }

    private static String axis(double total, int bottom) {
        StringBuilder axis = new StringBuilder();
        double step = niceStep(total / 1000.0);
        for (double t = 0; t <= total / 1000.0; t += step) {
            double x = LABEL_WIDTH + PLOT_WIDTH * t * 1000 / total;
            axis.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"24\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ccc\"/>"
                    + "<text x=\"%.1f\" y=\"20\" text-anchor=\"middle\">%s s</text>%n", x, x, bottom,
                    x, step >= 1 ? String.valueOf((long) t) : String.format(Locale.ROOT, "%.1f", t)));
        }
        return axis.toString();
    }

    private static String legend(int y) {
        StringBuilder legend = new StringBuilder();
        int lx = 4;
        for (var c : COLORS.entrySet()) {
            legend.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>", lx, y + 10, c.getValue(), lx + 16, y + 20, c.getKey()));
            lx += 16 + 7 * c.getKey().length() + 14;
        }
        return legend.toString();
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
