package io.hostspec.report;

import io.hostspec.image.BuildStage;
import io.hostspec.machine.LogSection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Coverage figures, their JSON round trip and merge across shards; the timeline picture. */
class CoverageReportTest {

    @TempDir
    Path dir;

    private static CoverageReport.OptionRef ref(String option, String module) {
        return new CoverageReport.OptionRef(option, "hosts/" + module + ".toml:1", List.of(module));
    }

    private static final Map<String, CoverageReport.OptionRef> XOA = Map.of(
            "a", ref("a", "xoa"), "b", ref("b", "xoa"), "c", ref("c", "common"), "d", ref("d", "common"));

    @Test
    void figuresPerHostAndModule() {
        CoverageReport r = CoverageReport.of(Map.of("xoa", XOA), Map.of("xoa", Set.of("a", "c", "not-defined")));
        CoverageReport.HostCoverage xoa = r.host("xoa").orElseThrow();
        assertEquals(4, xoa.optionsDefined());
        assertEquals(2, xoa.optionsExercised());
        assertEquals(50.0, xoa.percent());
        assertEquals(List.of("b", "d"), xoa.unexercised().stream().map(CoverageReport.OptionRef::option).toList());
        assertEquals(List.of("common", "xoa"), r.modules().stream().map(CoverageReport.ModuleCoverage::module).toList());
        assertEquals(1, r.modules().get(0).optionsExercised());
    }

    @Test
    void shardsMergeToTheUnionOfExercisedOptions() throws Exception {
        Path one = CoverageReport.of(Map.of("xoa", XOA), Map.of("xoa", Set.of("a"))).writeTo(dir.resolve("1"));
        Path two = CoverageReport.of(Map.of("xoa", XOA, "client", Map.of("e", ref("e", "client"))),
                Map.of("xoa", Set.of("b", "c"))).writeTo(dir.resolve("2"));
        CoverageReport merged = CoverageReport.merge(List.of(CoverageReport.read(one), CoverageReport.read(dir.resolve("2"))));
        assertEquals(3, merged.host("xoa").orElseThrow().optionsExercised());
        assertEquals(75.0, merged.host("xoa").orElseThrow().percent());
        assertEquals(0, merged.host("client").orElseThrow().optionsExercised());
        assertTrue(Files.readString(dir.resolve("2/coverage.html")).contains("<svg"));
    }

    @Test
    void unrealizedDefinitionsAHostAcceptedAreListedApartAndSurviveJsonAndMerge() throws Exception {
        Coverage coverage = new Coverage();
        coverage.define("xoa", Map.of());
        coverage.unrealized("xoa", List.of(new io.hostspec.module.Definition(List.of("boot", "loader", "grub",
                "enable"), true, new io.hostspec.module.Provenance("vm-images/hosts/xoa.nix", 7), "hosts/xoa", 100,
                1000, List.of(), false)));
        CoverageReport.HostCoverage xoa = coverage.report().host("xoa").orElseThrow();
        assertEquals(0, xoa.optionsDefined());
        assertEquals(List.of(new CoverageReport.OptionRef("boot.loader.grub.enable", "vm-images/hosts/xoa.nix:7",
                List.of("hosts/xoa"))), xoa.unrealized());
        Path written = coverage.report().writeTo(dir.resolve("u"));
        assertTrue(Files.readString(dir.resolve("u/coverage.html")).contains("Unrealized definitions of xoa (1)"));
        CoverageReport merged = CoverageReport.merge(List.of(CoverageReport.read(written),
                CoverageReport.of(Map.of("xoa", XOA), Map.of())));
        assertEquals(xoa.unrealized(), merged.host("xoa").orElseThrow().unrealized());
        assertEquals(4, merged.host("xoa").orElseThrow().optionsDefined());
    }

    @Test
    void aReportWrittenBeforeUnrealizedDefinitionsReadsAsNone() throws Exception {
        Files.writeString(dir.resolve("old.json"), "{\"hosts\":[{\"host\":\"xoa\",\"optionsDefined\":0,"
                + "\"optionsExercised\":0,\"percent\":100.0,\"unexercised\":[],\"exercised\":[]}],\"modules\":[]}");
        assertEquals(List.of(), CoverageReport.read(dir.resolve("old.json")).host("xoa").orElseThrow().unrealized());
    }

    @Test
    void timelineHasOneLanePerMachineAndTheScenarios() {
        Timeline t = new Timeline();
        Instant now = Instant.now();
        t.sectionClosed(new LogSection.Closed("xoa", "cold boot and take a warm snapshot", now, Duration.ofSeconds(20),
                0, Optional.empty()));
        t.sectionClosed(new LogSection.Closed("client", "restore warm snapshot 1", now.plusSeconds(3),
                Duration.ofSeconds(1), 1, Optional.empty()));
        t.stageFinished("xoa", BuildStage.APPLY_RECIPE, Duration.ofSeconds(5));
        t.scenario("it works", now, Duration.ofSeconds(30), "failed");
        String svg = t.svg();
        assertTrue(svg.startsWith("<svg"), svg);
        for (String text : List.of(">xoa<", ">client<", ">scenarios<", "cold boot and take a warm snapshot (20.0 s)",
                "it works (30.0 s, FAILED)", "image: apply recipe")) {
            assertTrue(svg.contains(text), text + " in\n" + svg);
        }
        assertEquals("restore", Timeline.kind("restore warm snapshot 1"));
        assertEquals("wait", Timeline.kind("wait for unit x"));
    }
}
