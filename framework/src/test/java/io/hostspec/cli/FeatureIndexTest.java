package io.hostspec.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which hosts each scenario declares and which tags it has, read as Cucumber reads a feature file. */
class FeatureIndexTest {

    @TempDir
    Path dir;

    private static final String FEATURE = """
            @vm
            Feature: f

              Background:
                Given the host "xoa" from "hosts/xoa"

              Scenario: a client joins
                Given a host "client"
                And the host "xoa" is configured with:
                  ""\"
                  a host "not-a-host-this-is-a-docstring"
                  ""\"
                Then "client" can reach "xoa" on TCP port 80

              @slow
              Scenario: only the background host
                Then "xoa" listens on TCP port 80

              Rule: targets
                Background:
                  Given a host "db" with the modules "core/base"

                @eval
                Scenario Outline: each target
                  Given the host "<host>" from "hosts/<host>"
                  Then the option "x" of "<host>" is "y"

                  Examples:
                    | host |
                    | wsl  |
                    | m1   |
            """;

    @Test
    void backgroundHostsComeFirstOutlinesAreFilledInAndDocstringsDoNotCount() throws IOException {
        Path feature = dir.resolve("f.feature");
        Files.writeString(feature, FEATURE);
        Map<Integer, FeatureIndex.Entry> byLine = FeatureIndex.parse(feature);
        assertEquals(List.of("xoa", "client"), byLine.get(7).hosts());
        assertEquals(List.of("@vm"), byLine.get(7).tags());
        assertEquals(List.of("xoa"), byLine.get(16).hosts());
        assertEquals(List.of("@vm", "@slow"), byLine.get(16).tags());
        assertEquals(List.of("xoa", "db", "wsl"), byLine.get(30).hosts(), "the example row's line, its host");
        assertEquals(List.of("xoa", "db", "m1"), byLine.get(31).hosts());
        assertEquals(List.of("@vm", "@eval"), byLine.get(31).tags());
        assertEquals(4, byLine.size(), "one entry per scenario Cucumber runs: " + byLine);

        FeatureIndex index = new FeatureIndex();
        assertEquals(List.of("xoa", "db", "m1"), index.entry(feature.toAbsolutePath() + ":31").hosts());
        assertThrows(IllegalStateException.class, () -> index.entry(feature.toAbsolutePath() + ":3"));
    }
}
