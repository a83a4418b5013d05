package io.hostspec.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * One report folder from the report folders of several CI jobs (or runs): {@code summary.json} (every scenario once),
 * {@code allure-results/} ({@link AllureMerge}), {@code coverage.json} and {@code coverage.html} (as
 * {@link CoverageReport#merge} merges them) and {@code timeline.json} and {@code timeline.svg} (one picture, a lane
 * group per job). A job is named after its folder. What an input lacks (a job that died before writing its reports)
 * is left out and said in {@link Result#notes()}, and in the merged summary's {@code jobs}.
 */
public final class ReportMerge {

    /** The folder of Allure results in a report folder. */
    public static final String ALLURE_RESULTS = "allure-results";

    private static final List<String> STATUS_ORDER = List.of("failed", "passed", "skipped");

    /**
     * What a merge wrote.
     *
     * @param out        the merged report folder
     * @param jobs       per job: its name and its counts, or what it lacked
     * @param scenarios  the merged scenarios, each once, by file and line
     * @param coverage   the merged coverage (empty when no job had any)
     * @param allure     what the Allure merge did
     * @param notes      what a reader should know, one line each
     */
    public record Result(Path out, List<Map<String, Object>> jobs, List<RunSummary.Scenario> scenarios,
                         CoverageReport coverage, String allure, List<String> notes) {

        /** The merged scenarios with this status. */
        public long count(String status) {
            return scenarios.stream().filter(s -> s.status().equals(status)).count();
        }
    }

    private ReportMerge() {
    }

    /**
     * Merges report folders into {@code out}; its {@code allure-results/} is replaced.
     *
     * @param inputs  the jobs' report folders
     * @param out     the merged report folder (created if needed; not one of the inputs)
     * @param history a previous merged report (its folder, its {@code allure-report/} or that one's
     *                {@code history/}) whose Allure history the merged results continue; null for none
     * @throws IllegalArgumentException when an input is not a report folder or {@code out} is one of them
     */
    public static Result merge(List<Path> inputs, Path out, Path history) {
        Map<String, Path> jobs = jobs(inputs, out);
        List<String> notes = new ArrayList<>();
        try {
            Files.createDirectories(out);
            List<Map<String, Object>> counts = new ArrayList<>();
            List<RunSummary.Scenario> scenarios = summaries(jobs, counts, notes);
            RunSummary.write(out, scenarios, Map.of("jobs", counts));

            List<CoverageReport> coverages = new ArrayList<>();
            List<Timeline.Group> groups = new ArrayList<>();
            Map<String, Path> results = new LinkedHashMap<>();
            for (var job : jobs.entrySet()) {
                Path dir = job.getValue();
                if (Files.isRegularFile(dir.resolve(CoverageReport.JSON_FILE))) {
                    coverages.add(CoverageReport.read(dir));
                } else {
                    notes.add(job.getKey() + ": no " + CoverageReport.JSON_FILE);
                }
                if (Files.isRegularFile(dir.resolve(Timeline.JSON_FILE))) {
                    for (Timeline.Group g : Timeline.read(dir)) {
                        groups.add(new Timeline.Group(g.name().isEmpty() ? job.getKey()
                                : job.getKey() + "/" + g.name(), g.spans()));
                    }
                } else {
                    notes.add(job.getKey() + ": no " + Timeline.JSON_FILE);
                }
                results.put(job.getKey(), dir.resolve(ALLURE_RESULTS));
            }
            CoverageReport coverage = CoverageReport.merge(coverages);
            coverage.writeTo(out);
            Timeline.write(out, groups);

            Path allureOut = out.resolve(ALLURE_RESULTS);
            delete(allureOut);
            AllureMerge.Outcome allure = AllureMerge.merge(results, allureOut, historyFolder(history, notes));
            notes.addAll(allure.notes());
            AllureLinks.write(allureOut, out, coverage);
            String allureLine = allure.results() + " Allure results, " + allure.containers() + " containers, "
                    + allure.attachments() + " attachments" + (allure.renamed() > 0 ? " (" + allure.renamed()
                    + " given a fresh uuid because another job used theirs)" : "");
            return new Result(out, List.copyOf(counts), scenarios, coverage, allureLine, List.copyOf(notes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the merged report into " + out, e);
        }
    }

    /** The inputs by job name (the folder's name, made unique). */
    private static Map<String, Path> jobs(List<Path> inputs, Path out) {
        Map<String, Path> jobs = new LinkedHashMap<>();
        Path target = out.toAbsolutePath().normalize();
        for (Path input : inputs) {
            Path dir = input.toAbsolutePath().normalize();
            if (dir.equals(target)) {
                throw new IllegalArgumentException("--out " + out + " is one of the inputs; merge into a new folder");
            }
            if (!Stream.of(RunSummary.FILE, ALLURE_RESULTS, CoverageReport.JSON_FILE, Timeline.JSON_FILE)
                    .anyMatch(f -> Files.exists(dir.resolve(f)))) {
                throw new IllegalArgumentException(input + " is not a report folder: it has none of "
                        + RunSummary.FILE + ", " + ALLURE_RESULTS + "/, " + CoverageReport.JSON_FILE + ", "
                        + Timeline.JSON_FILE);
            }
            String name = dir.getFileName() == null ? "report" : dir.getFileName().toString();
            String unique = name;
            for (int i = 2; jobs.containsKey(unique); i++) {
                unique = name + "-" + i;
            }
            jobs.put(unique, dir);
        }
        return jobs;
    }

    /** Every scenario once; one that ran in two jobs keeps its worst result (failed, then passed, then skipped). */
    private static List<RunSummary.Scenario> summaries(Map<String, Path> jobs, List<Map<String, Object>> counts,
                                                       List<String> notes) {
        Map<String, RunSummary.Scenario> byPlace = new LinkedHashMap<>();
        Map<String, String> jobOf = new LinkedHashMap<>();
        for (var job : jobs.entrySet()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", job.getKey());
            if (!Files.isRegularFile(job.getValue().resolve(RunSummary.FILE))) {
                entry.put("missing", RunSummary.FILE);
                notes.add(job.getKey() + ": no " + RunSummary.FILE + " (the job ended before writing its reports; "
                        + "its scenarios are not in this report)");
                counts.add(entry);
                continue;
            }
            List<RunSummary.Scenario> scenarios = RunSummary.read(job.getValue());
            for (String status : List.of("passed", "failed", "skipped")) {
                entry.put(status, scenarios.stream().filter(s -> s.status().equals(status)).count());
            }
            counts.add(entry);
            for (RunSummary.Scenario s : scenarios) {
                String place = s.uri() + ":" + s.line();
                RunSummary.Scenario before = byPlace.get(place);
                if (before == null || STATUS_ORDER.indexOf(s.status()) < STATUS_ORDER.indexOf(before.status())) {
                    byPlace.put(place, s);
                    if (before != null && !"skipped".equals(before.status())) {
                        notes.add(place + " ran in " + jobOf.get(place) + " and " + job.getKey() + "; kept the "
                                + s.status() + " result");
                    }
                    jobOf.put(place, job.getKey());
                } else if (!"skipped".equals(s.status())) {
                    notes.add(place + " ran in " + jobOf.get(place) + " and " + job.getKey() + "; kept the "
                            + before.status() + " result");
                }
            }
        }
        List<RunSummary.Scenario> out = new ArrayList<>(byPlace.values());
        out.sort(Comparator.comparing(RunSummary.Scenario::uri).thenComparingInt(RunSummary.Scenario::line));
        return out;
    }

    private static Path historyFolder(Path given, List<String> notes) {
        if (given == null) {
            return null;
        }
        for (Path candidate : List.of(given.resolve("history"), given.resolve("allure-report/history"), given)) {
            if (Files.isRegularFile(candidate.resolve("history.json"))
                    || Files.isRegularFile(candidate.resolve("history-trend.json"))) {
                return candidate;
            }
        }
        notes.add("no Allure history at " + given + "; the trends start with this report");
        return null;
    }

    private static void delete(Path folder) throws IOException {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
