package io.hostspec.cli;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The job of a scenario is its first declared host; a helper host has no job; the estimate says what it knows. */
class HostJobsTest {

    private static Scenarios.Scenario scenario(String id, String... hosts) {
        return new Scenarios.Scenario(id, "/f.feature:" + id.length(), List.of(hosts));
    }

    @Test
    void aScenarioRunsInTheJobOfTheFirstHostItDeclares() {
        List<Scenarios.Scenario> all = List.of(scenario("a", "xoa", "client"), scenario("b", "web", "client", "db"),
                scenario("c", "xoa"), scenario("d"), scenario("e", "db"));
        SortedMap<String, HostJobs.Job> jobs = HostJobs.byHost(all);
        assertEquals(List.of(HostJobs.NO_HOST, "db", "web", "xoa"), List.copyOf(jobs.keySet()), "client has no job");
        assertEquals(List.of("a", "c"), jobs.get("xoa").ids());
        assertEquals(List.of("client", "xoa"), List.copyOf(jobs.get("xoa").hosts()), "the images the job needs");
        assertEquals(List.of("client", "db", "web"), List.copyOf(jobs.get("web").hosts()));
        assertEquals(List.of("d"), jobs.get(HostJobs.NO_HOST).ids());
        assertEquals(all.size(), jobs.values().stream().mapToInt(j -> j.scenarios().size()).sum());
    }

    @Test
    void theEstimateCountsAnUnrecordedScenarioAsTheMeanAndIsNullWithoutRecords() {
        List<Scenarios.Scenario> job = List.of(scenario("a"), scenario("b"), scenario("c"));
        MatrixCommand.Estimate estimate = new MatrixCommand.Estimate(Map.of("a", 10_000L, "b", 20_000L,
                "z", 30_000L));
        assertEquals(50L, estimate.seconds(job), "10 + 20 + the mean 20");
        assertEquals(2L, new MatrixCommand.Estimate(Map.of("a", 1_001L)).seconds(List.of(scenario("a"))),
                "rounded up");
        assertNull(new MatrixCommand.Estimate(Map.of()).seconds(job));
    }
}
