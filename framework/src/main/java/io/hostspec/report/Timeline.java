package io.hostspec.report;

import io.hostspec.image.BuildListener;
import io.hostspec.image.BuildStage;
import io.hostspec.machine.LogSection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The run as a picture: one lane per machine with its image build stages, boots, restores, waits and other log
 * sections (nested sections drawn below their parent), and a lane of scenarios on top. Fed by {@link LogSection}
 * events, {@link BuildListener} stages and scenario start/end; one instance per JVM ({@link #current()}), reset when
 * a run starts. Thread-safe. A run writes it as {@value #JSON_FILE} (the bars, machine-readable) and {@value #SVG_FILE}
 * (the picture); merged reports of several CI jobs draw one picture from their jobs' JSON, a lane group per job.
 */
public final class Timeline implements LogSection.Listener, BuildListener {

    /** The file name of the picture in a report folder. */
    public static final String SVG_FILE = "timeline.svg";
    /** The file name of the machine-readable form, from which merged reports draw their picture. */
    public static final String JSON_FILE = "timeline.json";
    /** The lane of scenarios. */
    public static final String SCENARIOS = "scenarios";

    private static final Timeline CURRENT = new Timeline();
    private static final JsonMapper MAPPER = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .build();

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

    /**
     * The bars of one run, or of one CI job in a merged report.
     *
     * @param name  the job's name; empty for a single run (no header row is drawn)
     * @param spans its bars
     */
    public record Group(String name, List<Span> spans) {
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
    public String svg() {
        return svg(List.of(new Group("", spans())));
    }

    /**
     * The picture of several timelines on one wall-clock axis, a lane group per timeline: how the CI jobs of a merged
     * report overlapped and where each spent its time.
     */
    public static String svg(List<Group> groups) {
        return TimelineSvg.render(groups);
    }

    /** Writes {@value #JSON_FILE} (the machine-readable form) and {@value #SVG_FILE} of this run into a folder. */
    public void writeTo(Path folder) {
        write(folder, List.of(new Group("", spans())));
    }

    /**
     * Writes {@value #JSON_FILE} and {@value #SVG_FILE} of these groups into a folder (created if needed).
     *
     * @throws UncheckedIOException when a file cannot be written
     */
    public static void write(Path folder, List<Group> groups) {
        List<Map<String, Object>> json = new ArrayList<>();
        for (Group g : groups) {
            List<SpanJson> spans = g.spans().stream().map(s -> new SpanJson(s.lane(), s.kind(), s.title(),
                    s.start().toEpochMilli(), s.duration().toMillis(), s.depth(), s.failed())).toList();
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("name", g.name());
            group.put("spans", spans);
            json.add(group);
        }
        try {
            Files.createDirectories(folder);
            MAPPER.writeValue(folder.resolve(JSON_FILE).toFile(), Map.of("groups", json));
            Files.writeString(folder.resolve(SVG_FILE), svg(groups));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the timeline into " + folder, e);
        }
    }

    /**
     * The groups of a {@value #JSON_FILE}, or of the one inside a report folder.
     *
     * @throws IllegalArgumentException when the file is missing or not a timeline
     */
    public static List<Group> read(Path fileOrFolder) {
        Path file = Files.isDirectory(fileOrFolder) ? fileOrFolder.resolve(JSON_FILE) : fileOrFolder;
        try {
            List<Group> out = new ArrayList<>();
            for (JsonNode g : MAPPER.readTree(file.toFile()).required("groups")) {
                List<Span> spans = new ArrayList<>();
                for (JsonNode s : g.required("spans")) {
                    SpanJson j = MAPPER.treeToValue(s, SpanJson.class);
                    spans.add(new Span(j.lane(), j.kind(), j.title(), Instant.ofEpochMilli(j.startMs()),
                            Duration.ofMillis(j.durationMs()), j.depth(), j.failed()));
                }
                out.add(new Group(g.path("name").asText(""), List.copyOf(spans)));
            }
            return out;
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the timeline " + file + ": " + e.getMessage(), e);
        }
    }

    /** A span as {@value #JSON_FILE} holds it: times in epoch milliseconds. */
    record SpanJson(String lane, String kind, String title, long startMs, long durationMs, int depth,
                            boolean failed) {
    }
}
