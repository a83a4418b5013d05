package io.hostspec.report;

import io.hostspec.junit.HostspecTest;
import io.hostspec.junit.TestHosts;
import io.hostspec.host.ScenarioHosts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.hostspec.junit.HostDeclaration.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * The JVMs of one build join their reports in one folder (failsafe forks one per test class): scenarios, coverage and
 * a timeline group each; a folder of another build is replaced. And a JUnit class annotated {@code @HostspecTest} is
 * a part of the run's summary, while plain JUnit classes of the same run are not.
 */
class ReportJoinTest {

    @TempDir
    Path dir;

    private static ReportJoin.Part part(String name, String uri, String host, String option) {
        CoverageReport coverage = CoverageReport.of(Map.of(host, Map.of(option, new CoverageReport.OptionRef(option,
                "x.toml:1", List.of("m")))), Map.of(host, Set.of(option)));
        return new ReportJoin.Part(name, List.of(new RunSummary.Scenario(uri, 0, name, "passed", 1, null)), coverage,
                List.of(new Timeline.Span("h", "other", "t", Instant.EPOCH, Duration.ofSeconds(1), 0, false)));
    }

    @Test
    void jvmsOfOneBuildAddUpAndAnotherBuildStartsAfresh() throws Exception {
        ReportJoin.join(dir, "build-1", part("features", "features/a.feature", "xoa", "a.b"), Map.of());
        CoverageReport joined = ReportJoin.join(dir, "build-1", part("XoaIT", "io.x.XoaIT#t", "web", "c.d"),
                Map.of());

        assertEquals(List.of("features/a.feature", "io.x.XoaIT#t"),
                RunSummary.read(dir).stream().map(RunSummary.Scenario::uri).toList());
        assertEquals(List.of("web", "xoa"), CoverageReport.read(dir).hosts().stream()
                .map(CoverageReport.HostCoverage::host).sorted().toList());
        assertEquals(2, joined.hosts().size(), "the returned coverage is the folder's");
        assertEquals(List.of("features", "XoaIT"), Timeline.read(dir).stream().map(Timeline.Group::name).toList());

        ReportJoin.join(dir, "build-2", part("XoaIT", "io.x.XoaIT#t", "web", "c.d"), Map.of());
        assertEquals(List.of("io.x.XoaIT#t"), RunSummary.read(dir).stream().map(RunSummary.Scenario::uri).toList());
        assertEquals(List.of("web"), CoverageReport.read(dir).hosts().stream()
                .map(CoverageReport.HostCoverage::host).toList());
        assertEquals(1, Timeline.read(dir).size());
    }

    @HostspecTest
    static class Annotated {
        static final TestHosts HOSTS = TestHosts.of(host("xoa").from("hosts/xoa"));

        @Test
        void evaluates(ScenarioHosts hosts) {
            hosts.assertOption("xoa", "networking.hostName", "xoa");
        }
    }

    static class Plain {
        @Test
        void notAScenario() {
        }
    }

    @Test
    void aHostspecJUnitTestIsAScenarioOfTheRunAndAPlainOneIsNot() {
        RunSummary summary = new RunSummary(dir);
        LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false)
                .addTestExecutionListeners(summary).build())
                .execute(request().selectors(selectClass(Annotated.class), selectClass(Plain.class)).build());
        List<RunSummary.Scenario> scenarios = RunSummary.read(dir);
        assertEquals(1, scenarios.size(), scenarios.toString());
        assertEquals(Annotated.class.getName() + "#evaluates(io.hostspec.host.ScenarioHosts)", scenarios.get(0).uri());
        assertEquals("passed", scenarios.get(0).status());
    }
}
