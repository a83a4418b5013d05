package io.hostspec.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostspec.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reports of a deliberately failing scenario, through the real launcher path: its Allure result carries nested,
 * timed steps, the guest commands as attachments, the serial console, {@code systemctl --failed} and the failed unit's
 * journal; coverage.json, coverage.html and timeline.svg land in the report folder.
 */
class ReportsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path reports;

    @Test
    void aFailedScenarioCarriesItsEvidence() throws Exception {
        Path feature = Path.of(ReportsIT.class.getResource("/reports/failing.feature").toURI());
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), "run", feature.toString(),
                "--report-dir", reports.toString());
        assertEquals(1, code, out.toString());

        Path results = reports.resolve("allure-results");
        JsonNode failed = null;
        List<JsonNode> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(results)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                JsonNode node = JSON.readTree(f.toFile());
                all.add(node);
                if (List.of("failed", "broken").contains(node.path("status").asText())) {
                    failed = node;
                }
            }
        }
        assertTrue(failed != null, "a failed result in " + results);
        List<JsonNode> nested = new ArrayList<>();
        failed.path("steps").forEach(gherkin -> gherkin.path("steps").forEach(nested::add));
        assertTrue(nested.stream().anyMatch(s -> s.path("name").asText().contains("[xoa] wait for unit "
                + "hostspec-broken.service") && s.path("stop").asLong() >= s.path("start").asLong()
                && s.path("start").asLong() > 0), "a timed section step under the Gherkin step: " + failed);
        assertTrue(failed.toString().contains("[xoa] $ systemd-run --unit=hostspec-broken"),
                "the command as an attachment: " + failed);

        String everything = all.toString();
        assertTrue(everything.contains("[xoa] serial console"), everything);
        assertTrue(everything.contains("[xoa] systemctl --failed"), everything);
        String journal = attachment(results, all, "[xoa] journal of hostspec-broken.service");
        assertTrue(journal.contains("broken on purpose"), journal);

        JsonNode coverage = JSON.readTree(reports.resolve("coverage.json").toFile());
        JsonNode xoa = coverage.path("hosts").get(0);
        assertEquals("xoa", xoa.path("host").asText());
        assertTrue(xoa.path("optionsDefined").asInt() > 10, coverage.toString());
        assertTrue(Files.readString(reports.resolve("coverage.html")).contains("<svg"));
        assertTrue(Files.readString(reports.resolve("timeline.svg")).contains(">xoa<"));
        assertTrue(out.toString().contains("timeline.svg"), out.toString());
    }

    private static String attachment(Path results, List<JsonNode> nodes, String name) throws Exception {
        for (JsonNode node : nodes) {
            for (JsonNode a : node.findValues("attachments")) {
                for (JsonNode att : a) {
                    if (att.path("name").asText().equals(name)) {
                        return Files.readString(results.resolve(att.path("source").asText()));
                    }
                }
            }
        }
        throw new AssertionError("no attachment \"" + name + "\" in " + nodes);
    }
}
