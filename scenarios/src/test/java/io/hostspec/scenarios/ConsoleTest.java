package io.hostspec.scenarios;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostspec.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code ./hostspec run} prints, through the real launcher path on evaluation-only features (nothing boots): one
 * line per scenario and the summary, the whole log in {@code <report-dir>/hostspec.log}, {@code -v} for the log on the
 * console, and a failure told in full with its step.
 */
class ConsoleTest {

    private static final String MODULES = "../features/core/modules.feature";

    @TempDir
    Path dir;

    private record Run(int code, List<String> lines) {
        long starting(String prefix) {
            return lines.stream().filter(l -> l.startsWith(prefix)).count();
        }
    }

    private Run run(String... args) {
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), args);
        return new Run(code, out.toString().lines().toList());
    }

    @Test
    void oneLinePerScenarioThenTheSummaryAndTheLogInTheReportFolder() throws Exception {
        Path reports = dir.resolve("quiet");
        Run run = run("run", MODULES, "--report-dir", reports.toString());
        assertEquals(0, run.code(), String.join("\n", run.lines()));
        int scenarios = new ObjectMapper().readTree(reports.resolve("summary.json").toFile()).get("passed").asInt();
        assertTrue(scenarios > 10, "the module scenarios: " + scenarios);
        assertEquals(scenarios, run.starting("PASSED "), String.join("\n", run.lines()));
        assertTrue(run.lines().contains(scenarios + " passed, 0 failed, 0 skipped"), String.join("\n", run.lines()));
        assertTrue(run.lines().get(0).endsWith("the whole log is in " + reports.resolve("hostspec.log")),
                run.lines().get(0));
        assertEquals(0, run.lines().stream().filter(l -> l.contains(" INFO ")).count(), "no log on the console: "
                + String.join("\n", run.lines()));
        assertTrue(run.lines().size() < scenarios + 25, "one line per scenario and a short summary: "
                + run.lines().size());

        String log = Files.readString(reports.resolve("hostspec.log"));
        assertTrue(log.contains("INFO  [main] RunSummary - ==== scenario An option nobody defines has its declared "
                + "default (features/core/modules.feature:7)"), log);
    }

    @Test
    void verboseBringsTheLogBackToTheConsole() {
        Run run = run("run", MODULES, "--report-dir", dir.resolve("verbose").toString(), "-v");
        assertEquals(0, run.code());
        assertTrue(run.starting("PASSED ") > 10);
        assertTrue(run.lines().stream().anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[main] "
                + "RunSummary - ==== scenario .*")), String.join("\n", run.lines()));
    }

    @Test
    void aFailureIsToldInFullWhereItHappens() throws Exception {
        Path feature = Path.of(ConsoleTest.class.getResource("/console/failing.feature").toURI());
        Run run = run("run", feature.toString(), "--report-dir", dir.resolve("failing").toString());
        Path where = Path.of(System.getProperty("hostspec.root")).toAbsolutePath().normalize().relativize(feature);
        assertEquals(1, run.code(), String.join("\n", run.lines()));
        int failed = run.lines().indexOf(run.lines().stream().filter(l -> l.startsWith("FAILED ")).findFirst()
                .orElseThrow(() -> new AssertionError(String.join("\n", run.lines()))));
        assertTrue(run.lines().get(failed).endsWith("a wrong expectation (" + where + ":8)"), run.lines().get(failed));
        assertEquals("    step: the option \"networking.firewall.enable\" of \"web\" is \"false\" (" + where + ":10)",
                run.lines().get(failed + 1));
        assertEquals("    the option `networking.firewall.enable' of \"web\": expected false but it is true",
                run.lines().get(failed + 2));
        assertFalse(run.lines().get(failed + 3).startsWith("    "), "nothing else: " + run.lines().get(failed + 3));
        assertEquals(1, run.starting("PASSED "));
    }
}
