package io.hostspec.scenarios;

import io.hostspec.cli.Main;
import io.hostspec.image.HostTools;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On a machine without the VM tools, {@code ./hostspec run} of a feature that boots hosts stops with exit 2 and the
 * install command before anything starts: no scenario runs, no LAN switch or QEMU process is started, no run directory
 * is made. An evaluation-only run needs no tools. The machine without tools is simulated by searching an empty
 * directory for them ({@code hostspec.tools.path}) with installing switched off ({@code hostspec.tools.install}).
 */
class ToolsFirstTest {

    private static final Path RUNS = Path.of(System.getProperty("java.io.tmpdir"), "hostspec-runs");

    @TempDir
    Path dir;

    @BeforeEach
    void noTools() throws IOException {
        System.setProperty(HostTools.PATH_PROPERTY, Files.createDirectories(dir.resolve("empty-bin")).toString());
        System.setProperty(HostTools.INSTALL_PROPERTY, "false");
    }

    @AfterEach
    void restore() {
        System.clearProperty(HostTools.PATH_PROPERTY);
        System.clearProperty(HostTools.INSTALL_PROPERTY);
    }

    @Test
    void aVmRunStopsWithTheInstallCommandBeforeStartingAnything() throws IOException {
        List<Path> runsBefore = runDirectories();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        Path reports = dir.resolve("reports");
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true),
                "run", "../features/core/host.feature", "--report-dir", reports.toString());
        String said = out + "\n" + err;
        assertEquals(2, code, said);
        assertTrue(err.toString().contains("apt-get install -y"), said);
        assertTrue(err.toString().contains("vde2") && err.toString().contains("qemu-system-x86"), said);
        assertFalse(Files.exists(reports.resolve("summary.json")), "scenarios ran before the tools were checked");
        assertEquals(List.of(), ProcessHandle.current().descendants().map(p -> p.info().commandLine().orElse("?"))
                .toList(), "processes were started");
        assertEquals(runsBefore, runDirectories(), "a run directory was made");
    }

    @Test
    void anEvaluationOnlyRunNeedsNoTools() {
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true),
                "run", "../features/core/modules.feature", "--report-dir", dir.resolve("eval").toString());
        assertEquals(0, code, out.toString());
    }

    private static List<Path> runDirectories() throws IOException {
        if (!Files.isDirectory(RUNS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(RUNS)) {
            return s.sorted().toList();
        }
    }
}
