package io.hostspec.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class FeatureErrorsTest {

    @Test
    void parseErrorsBecomeFileLineColumnLines() {
        String report = """
                TestEngine with ID 'cucumber' encountered a critical issue during test discovery:

                (1) [ERROR] Failed to parse resource at: file:///tmp/badf/bad.feature
                (4:3): expected: #EOF, #StepLine, got 'Scenari o broken'
                    Source: FileSource [file = /tmp/badf/bad.feature, filePosition = null]
                (2) [ERROR] Failed to parse resource at: file:///w/x.feature
                (1:1): expected: #Feature, got 'hello'
                """;
        assertEquals("feature file errors:\n  /tmp/badf/bad.feature:4:3: expected: #EOF, #StepLine, got 'Scenari o broken'"
                + "\n  /w/x.feature:1:1: expected: #Feature, got 'hello'", FeatureErrors.describe(report));
    }

    @Test
    void otherIssuesAreReportedWhole() {
        assertEquals("feature discovery failed: something else", FeatureErrors.describe("something else"));
    }
}
