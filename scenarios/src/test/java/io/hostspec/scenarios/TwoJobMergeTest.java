package io.hostspec.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostspec.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two host jobs, each {@code ./hostspec run --host NAME} in a JVM of its own as on two CI runners (evaluation-only
 * hosts, so nothing boots), merged by {@code ./hostspec report merge}: the merged summary, Allure results and Allure
 * HTML show every scenario of both jobs once, with unique uuids and history ids, and one timeline group per job.
 */
class TwoJobMergeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration JOB_TIMEOUT = Duration.ofMinutes(10);
    private static final List<String> HOSTS = List.of("wsl", "m1");
    private static final String ALLURE_HTML = "hostspec.allureHtml";

    @TempDir
    Path dir;

    /** Runs one host job in a fresh JVM, as a CI runner would. */
    private Path job(String host) throws IOException, InterruptedException {
        Path reports = dir.resolve("jobs/report-" + host);
        Path log = dir.resolve(host + ".log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "-Dhostspec.root=" + System.getProperty("hostspec.root"), "-Dhostspec.allureHtml=false",
                Main.class.getName(), "run", "features", "--tags", "@eval", "--host", host,
                "--report-dir", reports.toString())
                .directory(new File(System.getProperty("hostspec.root")))   // where ./hostspec runs
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(JOB_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the job of " + host + " took longer than " + JOB_TIMEOUT + ":\n"
                    + Files.readString(log));
        }
        assertEquals(0, p.exitValue(), "the job of " + host + ":\n" + Files.readString(log));
        return reports;
    }

    private static List<String> places(Path summary) throws IOException {
        List<String> out = new ArrayList<>();
        JSON.readTree(summary.toFile()).get("scenarios").forEach(s -> out.add(s.get("uri").asText() + ":"
                + s.get("line").asInt()));
        return out;
    }

    private static List<JsonNode> json(Path folder, String suffix) throws IOException {
        List<JsonNode> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path f : files.filter(p -> p.toString().endsWith(suffix)).toList()) {
                out.add(JSON.readTree(f.toFile()));
            }
        }
        return out;
    }

    @Test
    void twoHostJobsMergeIntoOneReportWithEveryScenarioOnce() throws Exception {
        List<Path> jobs = new ArrayList<>();
        Set<String> expected = new HashSet<>();
        int count = 0;
        for (String host : HOSTS) {
            Path reports = job(host);
            jobs.add(reports);
            List<String> ran = places(reports.resolve("summary.json"));
            assertTrue(ran.size() >= 2, host + " ran " + ran);
            expected.addAll(ran);
            count += ran.size();
        }
        assertEquals(count, expected.size(), "the two jobs ran different scenarios");

        Path merged = dir.resolve("merged");
        List<String> args = new ArrayList<>(List.of("report", "merge"));
        jobs.forEach(j -> args.add(j.toString()));
        args.addAll(List.of("--out", merged.toString()));
        StringWriter out = new StringWriter();
        String html = System.getProperty(ALLURE_HTML);
        System.setProperty(ALLURE_HTML, "true");   // the unit phase turns it off for the many small runs
        try {
            int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true),
                    args.toArray(String[]::new));
            assertEquals(0, code, out.toString());
        } finally {
            if (html == null) {
                System.clearProperty(ALLURE_HTML);
            } else {
                System.setProperty(ALLURE_HTML, html);
            }
        }

        List<String> summary = places(merged.resolve("summary.json"));
        assertEquals(expected, new HashSet<>(summary));
        assertEquals(expected.size(), summary.size(), "each scenario once: " + summary);
        JsonNode counts = JSON.readTree(merged.resolve("summary.json").toFile());
        assertEquals(expected.size(), counts.get("passed").asInt());
        assertEquals(List.of("report-wsl", "report-m1"), List.of(counts.get("jobs").get(0).get("name").asText(),
                counts.get("jobs").get(1).get("name").asText()));

        // Allure results: one result per scenario (plus the merged report's own), unique uuid and historyId
        List<JsonNode> results = json(merged.resolve("allure-results"), "-result.json");
        Set<String> uuids = new HashSet<>();
        Set<String> historyIds = new HashSet<>();
        Set<String> fullNames = new HashSet<>();
        for (JsonNode r : results) {
            assertTrue(uuids.add(r.get("uuid").asText()), "uuid twice: " + r.get("uuid"));
            assertTrue(historyIds.add(r.get("historyId").asText()), "historyId twice: " + r.get("historyId"));
            fullNames.add(r.get("fullName").asText());
        }
        assertEquals(expected.size() + 1, results.size(), fullNames.toString());
        assertTrue(fullNames.containsAll(expected), fullNames + " against " + expected);

        // the HTML the Allure command line made of them shows each scenario once
        assertTrue(out.toString().contains("Allure HTML: " + merged.toAbsolutePath().resolve("allure-report")),
                "the merge generated the Allure HTML:\n" + out);
        Path report = merged.resolve("allure-report");
        JsonNode statistic = JSON.readTree(report.resolve("widgets/summary.json").toFile()).get("statistic");
        assertEquals(expected.size() + 1, statistic.get("total").asInt(), statistic.toString());
        assertEquals(expected.size() + 1, statistic.get("passed").asInt(), statistic.toString());
        List<JsonNode> cases = json(report.resolve("data/test-cases"), ".json");
        Set<String> shown = new HashSet<>();
        for (JsonNode c : cases) {
            assertTrue(shown.add(c.get("fullName").asText()), "shown twice: " + c.get("fullName"));
            assertEquals(0, c.get("retriesCount").asInt(), "no scenario became another's retry: " + c.get("name"));
        }
        assertTrue(shown.containsAll(expected), shown.toString());

        String timeline = Files.readString(merged.resolve("timeline.svg"));
        assertTrue(timeline.contains(">report-wsl<") && timeline.contains(">report-m1<"), timeline);
        assertTrue(Files.isRegularFile(merged.resolve("coverage.html")));
    }
}
