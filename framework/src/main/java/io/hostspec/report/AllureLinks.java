package io.hostspec.report;

import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Puts the run's own reports (coverage page, coverage JSON, timeline) into the Allure results as one extra result,
 * "hostspec run reports" in the suite "hostspec", with the three files as attachments, so the Allure report links to
 * them. Written as plain Allure result JSON: the framework does not depend on Allure.
 */
public final class AllureLinks {

    /** The system property Allure reads its results folder from. */
    public static final String RESULTS_PROPERTY = "allure.results.directory";
    /** The history id of the extra result: one per report, so a merge replaces the jobs' ones by its own. */
    public static final String HISTORY_ID = "hostspec-run-reports";

    private AllureLinks() {
    }

    /**
     * Writes the extra result into {@code results}.
     *
     * @param results   the Allure results folder (created if needed)
     * @param reportDir the folder holding coverage.html, coverage.json and timeline.svg
     * @param coverage  the run's coverage, summarized in the result's description
     */
    public static void write(Path results, Path reportDir, CoverageReport coverage) {
        // a stable uuid per report folder: a rerun into the same results replaces the entry instead of adding one
        String uuid = UUID.nameUUIDFromBytes(("hostspec-reports:" + reportDir.toAbsolutePath()).getBytes()).toString();
        try {
            Files.createDirectories(results);
            List<Map<String, Object>> attachments = new ArrayList<>();
            attach(results, uuid, reportDir.resolve(CoverageReport.HTML_FILE), "configuration coverage (HTML)",
                    "text/html", "html", attachments);
            attach(results, uuid, reportDir.resolve(Timeline.SVG_FILE), "run timeline", "image/svg+xml", "svg",
                    attachments);
            attach(results, uuid, reportDir.resolve(CoverageReport.JSON_FILE), "coverage.json", "application/json",
                    "json", attachments);
            StringBuilder description = new StringBuilder("Configuration coverage per host: ");
            coverage.hosts().forEach(h -> description.append(h.host()).append(' ').append(h.optionsExercised())
                    .append('/').append(h.optionsDefined()).append(" (").append(h.percent()).append(" %); "));
            description.append("reports in ").append(reportDir.toAbsolutePath());
            long now = System.currentTimeMillis();
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("uuid", uuid);
            result.put("historyId", HISTORY_ID);
            result.put("name", "hostspec run reports: coverage and timeline");
            result.put("fullName", "hostspec run reports");
            result.put("status", "passed");
            result.put("stage", "finished");
            result.put("description", description.toString());
            result.put("start", now);
            result.put("stop", now);
            result.put("labels", List.of(Map.of("name", "suite", "value", "hostspec"),
                    Map.of("name", "feature", "value", "run reports")));
            result.put("attachments", attachments);
            JsonMapper.builder().build().writeValue(results.resolve(uuid + "-result.json").toFile(), result);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report links into " + results, e);
        }
    }

    private static void attach(Path results, String uuid, Path file, String name, String type, String ext,
                               List<Map<String, Object>> into) throws IOException {
        if (Files.isRegularFile(file)) {
            String source = uuid + "-" + ext + "-attachment." + ext;
            Files.copy(file, results.resolve(source), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            into.add(Map.of("name", name, "source", source, "type", type));
        }
    }
}
