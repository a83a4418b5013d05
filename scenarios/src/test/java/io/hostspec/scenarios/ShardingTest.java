package io.hostspec.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostspec.cli.Main;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ./hostspec run --shard 1/2} and {@code --shard 2/2} together run every scenario of a full run exactly once
 * (on the evaluation-only features, which boot nothing).
 */
class ShardingTest {

    @TempDir
    Path dir;

    private static final String FEATURES = "../features/core/modules.feature";

    private List<String> run(Path reports, String... extra) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", FEATURES, "--report-dir", reports.toString()));
        args.addAll(List.of(extra));
        StringWriter out = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(out, true), args.toArray(String[]::new));
        assertEquals(0, code, out.toString());
        List<String> names = new ArrayList<>();
        JsonNode summary = new ObjectMapper().readTree(reports.resolve("summary.json").toFile());
        summary.get("scenarios").forEach(s -> names.add(s.get("uri").asText() + ":" + s.get("line").asInt()));
        return names;
    }

    @Test
    void twoShardsRunEveryScenarioExactlyOnce() throws IOException {
        List<String> all = run(dir.resolve("all"));
        List<String> first = run(dir.resolve("s1"), "--shard", "1/2");
        List<String> second = run(dir.resolve("s2"), "--shard", "2/2");
        assertTrue(all.size() > 10, "expected the module scenarios, got " + all);
        Set<String> union = new HashSet<>(first);
        for (String s : second) {
            assertTrue(union.add(s), s + " ran in both shards");
        }
        assertEquals(new HashSet<>(all), union);
        assertEquals(all.size(), first.size() + second.size());
        assertTrue(Math.abs(first.size() - second.size()) <= 2, "uneven shards: " + first.size() + " vs "
                + second.size());
    }
}
