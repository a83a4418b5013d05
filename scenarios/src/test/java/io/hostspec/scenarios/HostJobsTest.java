package io.hostspec.scenarios;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hostspec.cli.Main;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
 * The jobs {@code ./hostspec matrix --by host} prints, each run with {@code ./hostspec run --host NAME}, together run
 * every scenario of the example features exactly once, and each runs as many as the matrix says. The runs are Cucumber
 * dry runs ({@code cucumber.execution.dry-run}), so the VM features take part without booting anything.
 */
class HostJobsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DRY_RUN = "cucumber.execution.dry-run";
    private static final String FEATURES = "../features";

    @TempDir
    Path dir;

    @BeforeAll
    static void dryRun() {
        System.setProperty(DRY_RUN, "true");
    }

    @AfterAll
    static void realRuns() {
        System.clearProperty(DRY_RUN);
    }

    private static String cli(int expected, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        assertEquals(expected, code, out + "\n" + err);
        return out + err.toString();
    }

    /** The scenarios a run ran (not those its tag expression skipped), as file:line. */
    private List<String> run(String name, String... selection) throws IOException {
        List<String> args = new ArrayList<>(List.of("run", FEATURES, "--report-dir", dir.resolve(name).toString()));
        args.addAll(List.of(selection));
        cli(0, args.toArray(String[]::new));
        List<String> ran = new ArrayList<>();
        for (JsonNode s : JSON.readTree(dir.resolve(name).resolve("summary.json").toFile()).get("scenarios")) {
            if (!s.get("message").asText("").contains("cucumber.filter.tags")) {
                ran.add(s.get("uri").asText() + ":" + s.get("line").asInt());
            }
        }
        return ran;
    }

    private static JsonNode matrix(String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of("matrix"));
        all.addAll(List.of(args));
        String out = cli(0, all.toArray(String[]::new));
        return JSON.readTree(out).get("include");
    }

    @Test
    void theHostJobsTogetherRunEveryScenarioExactlyOnce() throws IOException {
        List<String> all = run("all");
        assertTrue(all.size() > 50, "expected every example scenario, VM ones too: " + all);
        JsonNode jobs = matrix("--by", "host");
        Set<String> union = new HashSet<>();
        Set<String> hosts = new HashSet<>();
        for (JsonNode job : jobs) {
            String host = job.get("host").asText();
            assertTrue(hosts.add(host), "one entry per host: " + jobs);
            assertTrue(job.get("hosts").toString().contains("\"" + host + "\""), "a job needs its own host: " + job);
            List<String> ran = run("host-" + host, "--host", host);
            assertEquals(job.get("scenarios").asInt(), ran.size(), host + " ran " + ran);
            for (String s : ran) {
                assertTrue(union.add(s), s + " ran in two jobs, the second " + host);
            }
        }
        assertEquals(new HashSet<>(all), union);
        assertEquals(all.size(), union.size());
        assertTrue(hosts.containsAll(List.of("xoa", "web", "box", "h")), "the VM hosts have jobs: " + hosts);
        assertTrue(!hosts.contains("client"), "client is only ever a second host, so it has no job: " + hosts);
    }

    @Test
    void hostAndShardSplitsAHostsJobAndTagsSelectBeforeSplitting() throws IOException {
        JsonNode byHost = matrix("--by", "host", "--tags", "@vm");
        JsonNode split = matrix("--by", "host,shard", "--shards", "2", "--tags", "@vm");
        int total = 0;
        for (JsonNode job : byHost) {
            assertEquals("@vm", job.get("tags").asText());
            int parts = 0;
            for (JsonNode part : split) {
                if (part.get("host").equals(job.get("host"))) {
                    parts += part.get("scenarios").asInt();
                }
            }
            assertEquals(job.get("scenarios").asInt(), parts, "the shards of " + job + " in " + split);
            total += parts;
        }
        assertEquals(run("vm", "--tags", "@vm").size(), total, "--tags selects before the split: " + byHost);
        Set<String> union = new HashSet<>(run("xoa-1", "--host", "xoa", "--shard", "1/2", "--tags", "@vm"));
        List<String> second = run("xoa-2", "--host", "xoa", "--shard", "2/2", "--tags", "@vm");
        second.forEach(s -> assertTrue(union.add(s), s + " in both shards of xoa"));
        assertEquals(run("xoa", "--host", "xoa", "--tags", "@vm").size(), union.size());
    }

    @Test
    void backendByShardRunsEveryScenarioOnVmsAndAllButVmOnlyAndEvalOnContainers() throws IOException {
        JsonNode legs = matrix("--backends", "vm,container", "--shards", "2");
        List<String> all = run("every");
        Set<String> vmOnly = new HashSet<>(run("vm-only", "--tags", "@vm-only"));
        Set<String> eval = new HashSet<>(run("eval", "--tags", "@eval"));
        assertTrue(!vmOnly.isEmpty() && !eval.isEmpty(), vmOnly + " " + eval);
        Set<String> onVm = new HashSet<>();
        Set<String> onContainers = new HashSet<>();
        for (JsonNode leg : legs) {
            String backend = leg.get("backend").asText();
            String shard = leg.get("shard").asText();
            List<String> ran = run(backend + "-" + shard.replace('/', '-'), "--backend", backend, "--shard", shard,
                    "--tags", leg.get("tags").asText()); // the vm entries' empty tags: no filter
            assertEquals(leg.get("scenarios").asInt(), ran.size(), leg + " ran " + ran);
            (backend.equals("vm") ? onVm : onContainers).addAll(ran);
        }
        assertEquals(Set.of("vm", "container"), Set.of(legs.get(0).get("backend").asText(),
                legs.get(legs.size() - 1).get("backend").asText()), legs.toString());
        assertTrue(onVm.containsAll(all), "the vm leg runs everything: " + legs);
        for (String s : onContainers) {
            assertTrue(!vmOnly.contains(s) && !eval.contains(s), s + " is @vm-only or @eval, in the container leg");
        }
        Set<String> rest = new HashSet<>(all);
        rest.removeAll(vmOnly);
        rest.removeAll(eval);
        assertEquals(rest, onContainers, "the container leg runs everything else");
    }

    @Test
    void aShardListsOnlyTheHostsItsScenariosDeclare() throws IOException {
        int vmScenarios = matrix("--shards", "1", "--tags", "@vm").get(0).get("scenarios").asInt();
        JsonNode shards = matrix("--shards", String.valueOf(vmScenarios), "--tags", "@vm"); // one scenario a shard
        Set<List<String>> lists = new HashSet<>();
        for (JsonNode shard : shards) {
            assertEquals(1, shard.get("scenarios").asInt(), shard.toString());
            List<String> hosts = new ArrayList<>();
            shard.get("hosts").forEach(h -> hosts.add(h.asText()));
            lists.add(hosts);
        }
        // xoa.feature declares client in one scenario only; the others boot xoa alone, and say so
        assertTrue(lists.contains(List.of("xoa")), lists.toString());
        assertTrue(lists.contains(List.of("client", "xoa")), lists.toString());
        assertTrue(lists.contains(List.of("client", "db", "web")), lists.toString());
    }

    @Test
    void aHostWithoutAJobIsAUsageErrorThatSaysWhereItsScenariosRun() {
        String err = cli(2, "run", FEATURES, "--host", "client", "--report-dir", dir.resolve("c").toString());
        // features/ grows: other features may declare a "client" too, so check the jobs this test knows of
        java.util.regex.Matcher jobs = java.util.regex.Pattern.compile("its scenarios run in the jobs of ([a-z0-9, -]+) \\(")
                .matcher(err);
        assertTrue(jobs.find(), err);
        List<String> named = List.of(jobs.group(1).split(", "));
        assertTrue(named.contains("web") && named.contains("xoa"), err);
    }
}
