package io.hostspec.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adds one JVM's reports to a report folder that other JVMs of the same build write too (failsafe forks one JVM per
 * test class: the features' suite, each JUnit test class): {@code summary.json} holds every JVM's scenarios (a scenario
 * reported again keeps the newer result), {@code coverage.json} the union of what they exercised
 * ({@link CoverageReport#merge}), {@code timeline.json} a lane group per JVM. A folder written by another build (its
 * {@code "build"} differs) is replaced, so reports of earlier builds never leak in. JVMs take turns by a file lock.
 */
final class ReportJoin {

    /** The field of summary.json naming the build that wrote it. */
    static final String BUILD = "build";
    private static final String LOCK = ".join.lock";
    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    /**
     * One JVM's reports.
     *
     * @param name      what it ran (its test class or "features"), the name of its timeline group
     * @param scenarios its scenarios
     * @param coverage  its coverage
     * @param spans     its timeline
     */
    record Part(String name, List<RunSummary.Scenario> scenarios, CoverageReport coverage, List<Timeline.Span> spans) {
    }

    private ReportJoin() {
    }

    /**
     * Writes the folder's reports with this part added to those of the same build.
     *
     * @return the coverage of the whole folder after joining
     * @throws IOException when the folder cannot be read or written
     */
    static CoverageReport join(Path dir, String build, Part part, Map<String, Object> extra) throws IOException {
        Files.createDirectories(dir);
        try (FileChannel channel = FileChannel.open(dir.resolve(LOCK), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock ignored = channel.lock()) {
            Map<String, RunSummary.Scenario> byPlace = new LinkedHashMap<>();
            CoverageReport coverage = part.coverage();
            List<Timeline.Group> groups = new ArrayList<>();
            Map<String, Object> fields = new LinkedHashMap<>(extra);
            JsonNode before = summary(dir);
            if (before != null && build.equals(before.path(BUILD).asText(null))) {
                RunSummary.read(dir).forEach(s -> byPlace.put(s.uri() + ":" + s.line(), s));
                if (before.path("interrupted").asBoolean(false)) {
                    fields.put("interrupted", true);
                }
                if (Files.isRegularFile(dir.resolve(CoverageReport.JSON_FILE))) {
                    coverage = CoverageReport.merge(List.of(CoverageReport.read(dir), part.coverage()));
                }
                if (Files.isRegularFile(dir.resolve(Timeline.JSON_FILE))) {
                    groups.addAll(Timeline.read(dir));
                }
            }
            part.scenarios().forEach(s -> byPlace.put(s.uri() + ":" + s.line(), s));
            List<RunSummary.Scenario> scenarios = new ArrayList<>(byPlace.values());
            scenarios.sort(Comparator.comparing(RunSummary.Scenario::uri).thenComparingInt(RunSummary.Scenario::line));
            groups.add(new Timeline.Group(part.name(), part.spans()));
            fields.put(BUILD, build);
            RunSummary.write(dir, scenarios, fields);
            coverage.writeTo(dir);
            Timeline.write(dir, groups);
            return coverage;
        }
    }

    private static JsonNode summary(Path dir) {
        Path file = dir.resolve(RunSummary.FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            return null; // unreadable: replaced, as a folder of another build would be
        }
    }
}
