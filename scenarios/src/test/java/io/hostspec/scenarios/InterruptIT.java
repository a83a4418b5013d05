package io.hostspec.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostspec.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGTERM (what Ctrl-C's SIGINT and a CI system's cancel do alike) of a {@code ./hostspec run} while a scenario has
 * its guest and LAN switch running: the run's QEMU and vde_switch processes end, its run directory (overlays,
 * sockets) is deleted, and summary.json reports the scenario that had finished, marked interrupted.
 */
class InterruptIT {

    private static final Path RUNS = Path.of(System.getProperty("java.io.tmpdir"), "hostspec-runs");

    @TempDir
    Path reports;

    @Test
    void aTerminatedRunLeavesNothingRunningAndReportsWhatFinished() throws Exception {
        Path feature = Path.of(InterruptIT.class.getResource("/faults/interrupted.feature").toURI());
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        for (String p : List.of("hostspec.root", "hostspec.cache", "hostspec.timeout")) {
            if (System.getProperty(p) != null) {
                command.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        command.addAll(List.of(Main.class.getName(), "run", feature.toString(), "--report-dir", reports.toString()));
        Process run = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(reports.resolve("console.txt").toFile()).start();
        List<ProcessHandle> children = new ArrayList<>();
        try {
            // the first scenario's result is written (after its machines stopped) and the second one's guest runs
            await("the second scenario's guest runs").atMost(Duration.ofMinutes(10))
                    .pollInterval(Duration.ofSeconds(1))
                    .failFast("the run ended early", () -> !run.isAlive())
                    .until(() -> firstScenarioReported() && descendants(run, "qemu-system").size() == 1);
            children.addAll(descendants(run, "qemu-system"));
            children.addAll(descendants(run, "vde_switch"));
            assertEquals(2, children.size(), "expected one QEMU and one switch: " + children);
            List<Path> runDirs = runDirectoriesOf(run.pid());
            assertEquals(1, runDirs.size(), "run directories of the child: " + runDirs);

            run.destroy(); // SIGTERM
            assertTrue(run.waitFor(60, TimeUnit.SECONDS), "the run did not end after SIGTERM: "
                    + console());

            for (ProcessHandle child : children) {
                await("pid " + child.pid() + " ends").atMost(Duration.ofSeconds(10)).until(() -> !child.isAlive());
            }
            assertFalse(Files.exists(runDirs.get(0)), "run directory left behind: " + runDirs.get(0));
            JsonNode summary = new ObjectMapper().readTree(reports.resolve("summary.json").toFile());
            assertTrue(summary.path("interrupted").asBoolean(), summary + "\n" + console());
            assertEquals(1, summary.get("passed").asInt(), summary.toString());
            assertEquals("finishes before the signal", summary.get("scenarios").get(0).get("name").asText());
        } finally {
            run.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private boolean firstScenarioReported() throws IOException {
        Path results = reports.resolve("allure-results");
        if (!Files.isDirectory(results)) {
            return false;
        }
        try (Stream<Path> s = Files.list(results)) {
            for (Path p : s.filter(f -> f.toString().endsWith("-result.json")).toList()) {
                if (Files.readString(p).contains("finishes before the signal")) {
                    return true;
                }
            }
        }
        return false;
    }

    private String console() throws IOException {
        Path file = reports.resolve("console.txt");
        return Files.exists(file) ? Files.readString(file) : "";
    }

    private static List<ProcessHandle> descendants(Process process, String program) {
        return process.descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains(program)).toList();
    }

    private static List<Path> runDirectoriesOf(long pid) throws IOException {
        if (!Files.isDirectory(RUNS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(RUNS)) {
            return s.filter(d -> d.getFileName().toString().startsWith(pid + "-")).toList();
        }
    }
}
