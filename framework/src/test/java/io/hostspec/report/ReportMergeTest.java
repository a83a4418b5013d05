package io.hostspec.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two jobs' report folders merge into one: every scenario once, Allure uuids unique with their references rewritten,
 * one "run reports" result, categories, environment and history as Allure reads them, coverage and a timeline with a
 * lane group per job. The jobs here collide on purpose (same uuids, same attachment name, same run-reports uuid).
 */
class ReportMergeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHARED_UUID = "11111111-1111-1111-1111-111111111111";
    private static final String RUN_REPORTS_UUID = "22222222-2222-2222-2222-222222222222";

    @TempDir
    Path dir;

    private static CoverageReport.OptionRef ref(String option) {
        return new CoverageReport.OptionRef(option, "hosts/xoa.toml:1", List.of("xoa"));
    }

    /** A job's report folder; every job uses the same result uuid and attachment name, with its own content. */
    private Path job(String name, String scenario, int line, String status, Set<String> exercised) throws IOException {
        Path job = dir.resolve(name);
        Path results = Files.createDirectories(job.resolve("allure-results"));
        String attachment = SHARED_UUID + "-attachment.txt";
        Files.writeString(results.resolve(attachment), "console of " + name);
        Files.writeString(results.resolve(SHARED_UUID + "-result.json"), JSON.writeValueAsString(Map.of(
                "uuid", SHARED_UUID, "historyId", "history-" + name, "name", scenario, "status", status,
                "steps", List.of(Map.of("name", "a step", "attachments",
                        List.of(Map.of("name", "console", "source", attachment, "type", "text/plain")))))));
        Files.writeString(results.resolve("33333333-3333-3333-3333-33333333333" + name.length() + "-container.json"),
                JSON.writeValueAsString(Map.of("uuid", "33333333-3333-3333-3333-33333333333" + name.length(),
                        "children", List.of(SHARED_UUID))));
        Files.writeString(results.resolve(RUN_REPORTS_UUID + "-result.json"), JSON.writeValueAsString(Map.of(
                "uuid", RUN_REPORTS_UUID, "historyId", AllureLinks.HISTORY_ID, "name", "run reports",
                "attachments", List.of(Map.of("source", RUN_REPORTS_UUID + "-html-attachment.html")))));
        Files.writeString(results.resolve(RUN_REPORTS_UUID + "-html-attachment.html"), "<p>" + name + "</p>");
        Files.writeString(results.resolve("categories.json"), JSON.writeValueAsString(List.of(
                Map.of("name", "Timeouts", "messageRegex", ".*timed out.*"), Map.of("name", "only " + name))));
        Files.writeString(results.resolve("environment.properties"), "os=debian\njob=" + name + "\n");
        Files.createDirectories(results.resolve("history"));
        Files.writeString(results.resolve("history/history.json"), "{\"from\":\"" + name + "\"}");

        RunSummary.write(job, List.of(new RunSummary.Scenario("features/" + scenario.replace(' ', '-') + ".feature", line, scenario,
                status, 1000, null)), Map.of());
        CoverageReport.of(Map.of("xoa", Map.of("a", ref("a"), "b", ref("b"))), Map.of("xoa", exercised))
                .writeTo(job);
        Instant t0 = Instant.parse("2026-12-02T02:00:00Z");
        Timeline.write(job, List.of(new Timeline.Group("", List.of(
                new Timeline.Span(Timeline.SCENARIOS, "scenario " + status, scenario, t0, Duration.ofSeconds(9), 0,
                        "failed".equals(status)),
                new Timeline.Span("xoa", "cold boot", "cold boot " + name, t0, Duration.ofSeconds(4), 0, false)))));
        return job;
    }

    private static List<JsonNode> results(Path folder) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.toString().endsWith("-result.json")).sorted().toList()) {
                JsonNode node = JSON.readTree(f.toFile());
                assertEquals(f.getFileName().toString(), node.path("uuid").asText() + "-result.json",
                        "a result's file is named after its uuid");
                out.add(node);
            }
        }
        return out;
    }

    @Test
    void twoJobsMergeIntoOneReport() throws IOException {
        Path a = job("host-xoa", "Redis answers", 10, "passed", Set.of("a"));
        Path b = job("host-web", "nginx serves", 20, "failed", Set.of("b"));
        Path previous = Files.createDirectories(dir.resolve("last/allure-report/history"));
        Files.writeString(previous.resolve("history-trend.json"), "[{\"data\":{\"passed\":7}}]");
        Path out = dir.resolve("merged");

        ReportMerge.Result merged = ReportMerge.merge(List.of(a, b), out, dir.resolve("last"));

        JsonNode summary = JSON.readTree(out.resolve("summary.json").toFile());
        assertEquals(1, summary.path("passed").asInt());
        assertEquals(1, summary.path("failed").asInt());
        assertEquals(2, summary.path("scenarios").size());
        assertEquals("host-xoa", summary.path("jobs").get(0).path("name").asText());
        assertEquals(1, summary.path("jobs").get(1).path("failed").asInt());

        Path allure = out.resolve("allure-results");
        List<JsonNode> results = results(allure);
        assertEquals(3, results.size(), "two scenarios and one run-reports result: " + results);
        Set<String> uuids = new HashSet<>();
        Set<String> historyIds = new HashSet<>();
        results.forEach(r -> assertTrue(uuids.add(r.path("uuid").asText()), "unique uuid " + r));
        results.forEach(r -> assertTrue(historyIds.add(r.path("historyId").asText()), "unique historyId " + r));
        JsonNode xoa = results.stream().filter(r -> r.path("name").asText().equals("Redis answers")).findFirst()
                .orElseThrow();
        JsonNode web = results.stream().filter(r -> r.path("name").asText().equals("nginx serves")).findFirst()
                .orElseThrow();
        assertEquals(SHARED_UUID, xoa.path("uuid").asText(), "the first job keeps its uuid");
        String webAttachment = web.findValue("source").asText();
        assertFalse(webAttachment.startsWith(SHARED_UUID), "the second job's attachment was renamed");
        assertEquals("console of host-web", Files.readString(allure.resolve(webAttachment)));
        assertEquals("console of host-xoa", Files.readString(allure.resolve(xoa.findValue("source").asText())));
        List<String> children = new ArrayList<>();
        try (Stream<Path> files = Files.list(allure)) {
            for (Path f : files.filter(p -> p.toString().endsWith("-container.json")).toList()) {
                JSON.readTree(f.toFile()).path("children").forEach(c -> children.add(c.asText()));
            }
        }
        assertEquals(Set.of(SHARED_UUID, web.path("uuid").asText()), new HashSet<>(children),
                "each job's container points at its own result, the renamed one too: " + children);
        JsonNode runReports = results.stream().filter(r -> r.path("historyId").asText()
                .equals(AllureLinks.HISTORY_ID)).findFirst().orElseThrow();
        assertTrue(runReports.path("description").asText().contains(out.toAbsolutePath().toString()),
                "the merged report's own run-reports result: " + runReports);

        JsonNode categories = JSON.readTree(allure.resolve("categories.json").toFile());
        assertEquals(List.of("Timeouts", "only host-xoa", "only host-web"),
                List.of(categories.get(0).path("name").asText(), categories.get(1).path("name").asText(),
                        categories.get(2).path("name").asText()));
        Properties env = new Properties();
        env.load(Files.newBufferedReader(allure.resolve("environment.properties")));
        assertEquals("debian", env.getProperty("os"));
        assertEquals("host-xoa, host-web", env.getProperty("job"));
        assertEquals("[{\"data\":{\"passed\":7}}]", Files.readString(allure.resolve("history/history-trend.json")),
                "the previous report's history continues");
        assertFalse(Files.exists(allure.resolve("history/history.json")), "a job's own history is left out");

        assertEquals(2, merged.coverage().host("xoa").orElseThrow().optionsExercised(), "a on one job, b on the other");
        assertTrue(Files.isRegularFile(out.resolve("coverage.html")));
        List<Timeline.Group> groups = Timeline.read(out);
        assertEquals(List.of("host-xoa", "host-web"), groups.stream().map(Timeline.Group::name).toList());
        String svg = Files.readString(out.resolve("timeline.svg"));
        assertTrue(svg.contains(">host-xoa<") && svg.contains(">host-web<") && svg.contains("(1 failed)"), svg);
        assertTrue(svg.contains("cold boot host-web"), svg);
    }

    @Test
    void aScenarioInTwoJobsIsKeptOnceWithItsWorstResultAndAMissingSummaryIsSaid() throws IOException {
        Path a = job("one", "same", 10, "passed", Set.of());
        Path b = job("two", "same", 10, "failed", Set.of());
        Files.delete(dir.resolve("one/summary.json"));
        Path c = job("three", "same", 10, "passed", Set.of());
        ReportMerge.Result merged = ReportMerge.merge(List.of(a, b, c), dir.resolve("out"), null);
        assertEquals(1, merged.scenarios().size());
        assertEquals("failed", merged.scenarios().get(0).status());
        assertTrue(merged.notes().stream().anyMatch(n -> n.startsWith("one: no summary.json")), merged.notes()
                .toString());
        assertTrue(merged.notes().stream().anyMatch(n -> n.contains("ran in two and three; kept the failed")),
                merged.notes().toString());
        assertEquals("summary.json", merged.jobs().get(0).get("missing"));
    }

    @Test
    void anInputThatIsNoReportAndAnOutputThatIsAnInputAreRefused() throws IOException {
        Path a = job("a", "s", 1, "passed", Set.of());
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThrows(IllegalArgumentException.class, () -> ReportMerge.merge(List.of(a, empty), dir.resolve("o"),
                null));
        assertThrows(IllegalArgumentException.class, () -> ReportMerge.merge(List.of(a), a, null));
    }

    @Test
    void theTimelineRoundTripsThroughItsJson() {
        Timeline t = new Timeline();
        Instant now = Instant.ofEpochMilli(1_796_000_000_123L);
        t.add(new Timeline.Span("xoa", "restore", "restore warm snapshot", now, Duration.ofMillis(830), 1, true));
        t.writeTo(dir);
        assertEquals(List.of(new Timeline.Group("", t.spans())), Timeline.read(dir));
        assertTrue(Files.exists(dir.resolve(Timeline.SVG_FILE)));
    }
}
