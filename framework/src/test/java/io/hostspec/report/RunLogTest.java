package io.hostspec.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where SLF4J records go: the whole log to the file, warnings (or everything when verbose) to the console. */
class RunLogTest {

    private static final Logger LOG = LoggerFactory.getLogger(RunLogTest.class);

    @TempDir
    Path tmp;

    @Test
    void theFileGetsEverythingFromDebugTheConsoleOnlyWarnings() throws Exception {
        Path file = tmp.resolve("run/hostspec.log");
        List<RunLog.Entry> console = new ArrayList<>();
        try (RunLog.Redirect f = RunLog.toFile(file); RunLog.Redirect c = RunLog.toConsole(console::add, false)) {
            assertEquals(file, RunLog.file());
            LOG.debug("[xoa] qcow2: qemu-img convert {}", "root.ext4");
            LOG.info("[xoa] boot ... {}", "19.8 s");
            LOG.warn("[xoa] cannot make the snapshot's RAM file sparse", new IllegalStateException("no fallocate"));
            LOG.trace("never");
            Logger library = LoggerFactory.getLogger("com.github.dockerjava.zerodep.shaded.org.apache.hc.client5.http.wire");
            library.debug("http-outgoing-0 >> GET /_ping");
            library.info("a library's info");
            LoggerFactory.getLogger("org.testcontainers.utility.ResourceReaper").warn("Ryuk has been disabled.");
        }
        String log = Files.readString(file);
        assertTrue(log.contains("DEBUG [main] RunLogTest - [xoa] qcow2: qemu-img convert root.ext4"), log);
        assertTrue(log.contains("INFO  [main] RunLogTest - [xoa] boot ... 19.8 s"), log);
        assertTrue(log.contains("WARN  [main] RunLogTest - [xoa] cannot make the snapshot's RAM file sparse"), log);
        assertTrue(log.contains("java.lang.IllegalStateException: no fallocate"), "the stack trace: " + log);
        assertFalse(log.contains("never"), log);
        assertFalse(log.contains("_ping"), "a library's DEBUG is left out: " + log);
        assertTrue(log.contains("INFO  [main] wire - a library's info"), log);
        assertTrue(log.contains("INFO  [main] ResourceReaper - Ryuk has been disabled."), "kept as INFO: " + log);
        assertEquals(1, console.size(), console.toString());
        assertEquals(RunLog.Level.WARN, console.get(0).level());
    }

    @Test
    void verboseEchoesFromInfoUp() {
        List<RunLog.Entry> console = new ArrayList<>();
        try (RunLog.Redirect f = RunLog.toFile(tmp.resolve("hostspec.log"));
             RunLog.Redirect c = RunLog.toConsole(console::add, true)) {
            LOG.debug("detail");
            LOG.info("[xoa] wait for the guest agent ... 3.1 s");
        }
        assertEquals(List.of("[xoa] wait for the guest agent ... 3.1 s"),
                console.stream().map(RunLog.Entry::message).toList());
    }

    @Test
    void closingARedirectGivesTheLogBackToThePreviousFile() throws Exception {
        Path outer = tmp.resolve("outer.log");
        Path inner = tmp.resolve("inner.log");
        try (RunLog.Redirect o = RunLog.toFile(outer)) {
            try (RunLog.Redirect i = RunLog.toFile(inner)) {
                LOG.info("inside");
            }
            assertEquals(outer, RunLog.file());
            LOG.info("outside");
        }
        assertTrue(Files.readString(inner).contains("inside"));
        assertFalse(Files.readString(inner).contains("outside"));
        assertTrue(Files.readString(outer).contains("outside"));
        assertFalse(Files.readString(outer).contains("inside"));
    }
}
