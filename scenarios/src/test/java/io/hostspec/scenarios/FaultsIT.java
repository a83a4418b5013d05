package io.hostspec.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostspec.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults during a run, through the real launcher path ({@code ./hostspec run}): a QEMU killed mid-scenario fails that
 * scenario with a clear message and the next scenario still runs; an undefined step and an undeclared host fail
 * their scenarios with messages that say what to do.
 */
class FaultsIT {

    @TempDir
    Path reports;

    @Test
    void faultsFailTheirScenarioClearlyAndTheRunGoesOn() throws Exception {
        Path feature = Path.of(FaultsIT.class.getResource("/faults/killed.feature").toURI());
        String glue = System.getProperty("cucumber.glue");
        System.setProperty("cucumber.glue", "io.hostspec.steps,io.hostspec.faults");
        StringWriter out = new StringWriter();
        int code;
        try {
            code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), "run", feature.toString(),
                    "--report-dir", reports.toString());
        } finally {
            if (glue == null) {
                System.clearProperty("cucumber.glue");
            } else {
                System.setProperty("cucumber.glue", glue);
            }
        }
        assertEquals(1, code, out.toString());
        JsonNode summary = new ObjectMapper().readTree(reports.resolve("summary.json").toFile());
        Map<String, JsonNode> byName = new HashMap<>();
        summary.get("scenarios").forEach(s -> byName.put(s.get("name").asText(), s));

        JsonNode killed = byName.get("QEMU is killed in the middle of a scenario");
        assertEquals("failed", killed.get("status").asText());
        assertTrue(killed.get("message").asText().contains("exited with code 137"), killed.toString());
        assertTrue(killed.get("durationMs").asLong() < 120_000, "the failure must be prompt, not a timeout");

        assertEquals("passed", byName.get("the next scenario runs normally").get("status").asText());

        JsonNode typo = byName.get("a step that does not exist");
        assertEquals("failed", typo.get("status").asText());
        assertTrue(typo.get("message").asText().contains("is sparkling"), typo.toString());

        JsonNode undeclared = byName.get("a host that was never declared");
        assertEquals("failed", undeclared.get("status").asText());
        assertTrue(undeclared.get("message").asText().contains("no host \"undeclared\" is declared in this "
                + "scenario; declared: declared"), undeclared.toString());
        assertEquals(1, summary.get("passed").asInt());
        assertEquals(3, summary.get("failed").asInt());
    }
}
