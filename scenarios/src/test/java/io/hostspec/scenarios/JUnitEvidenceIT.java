package io.hostspec.scenarios;

import io.hostspec.junit.HostspecTest;
import io.hostspec.junit.TestHosts;
import io.hostspec.lab.Host;
import io.hostspec.machine.Backend;
import io.hostspec.report.AllureResults;
import io.qameta.allure.junitplatform.AllureJunitPlatform;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static io.hostspec.junit.HostAssert.assertThat;
import static io.hostspec.junit.HostDeclaration.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * A JUnit test that fails shows the same evidence as a failing Gherkin step: deliberately failing inner tests run
 * through the JUnit Platform launcher with allure-junit5's listener, on a real guest. The failure message holds the
 * command, its exit code, its output and the serial console's tail (a failed unit: its journal); the Allure result
 * holds the command as an attachment, the serial console and, for the failed test, {@code systemctl --failed} and the
 * failed unit's journal.
 */
class JUnitEvidenceIT {

    /** Fails on purpose; run only by {@link JUnitEvidenceIT} (failsafe does not pick up inner classes). */
    @HostspecTest
    static class Failing {
        static final TestHosts HOSTS = TestHosts.of(host("xoa").from("hosts/xoa"));

        @Test
        void aCommandFails(Host xoa) {
            assertThat(xoa).succeeds("echo out-marker; echo err-marker >&2; exit 3");
        }

        @Test
        void aUnitFails(Host xoa) {
            xoa.succeed("systemd-run --unit=broken-probe sh -c 'echo broken-marker; exit 1'");
            assertThat(xoa).hasActiveUnit("broken-probe.service");
        }
    }

    @TempDir
    Path results;

    @Test
    void aFailingTestCarriesTheCommandItsOutputTheConsoleAndTheFailedUnitsJournal() throws IOException {
        SummaryGeneratingListener summary = new SummaryGeneratingListener();
        try (AllureResults allure = AllureResults.writeTo(results)) {
            LauncherFactory.create(LauncherConfig.builder().enableTestExecutionListenerAutoRegistration(false)
                    .addTestExecutionListeners(new AllureJunitPlatform(allure.lifecycle()), summary).build())
                    .execute(request().selectors(selectClass(Failing.class)).build());
        }
        Map<String, String> failures = summary.getSummary().getFailures().stream().collect(Collectors.toMap(
                f -> f.getTestIdentifier().getDisplayName(), f -> String.valueOf(f.getException().getMessage())));
        assertEquals(2, failures.size(), "both inner tests fail: " + failures.keySet());

        String console = Backend.forRun() == Backend.VM ? "serial console" : "console"; // what Evidence calls it
        String command = failures.get("aCommandFails(Host)");
        for (String evidence : List.of("echo out-marker; echo err-marker >&2; exit 3", "exited 3", "out-marker",
                "err-marker", console + " (last")) {
            assertTrue(command.contains(evidence), "the failure message lacks \"" + evidence + "\":\n" + command);
        }
        String unit = failures.get("aUnitFails(Host)");
        assertTrue(unit.contains("broken-probe.service") && unit.contains("broken-marker"),
                "the failed unit's journal is in the message:\n" + unit);

        String commandResult = result("aCommandFails");
        assertTrue(commandResult.contains("[xoa] $ echo out-marker") && commandResult.contains("(exit 3)"),
                "the command is attached: " + commandResult);
        assertTrue(commandResult.contains("[xoa] " + console), commandResult);
        String unitResult = result("aUnitFails");
        for (String attachment : List.of("[xoa] " + console, "[xoa] systemctl --failed",
                "[xoa] journal of broken-probe.service")) {
            assertTrue(unitResult.contains(attachment), "no attachment \"" + attachment + "\": " + unitResult);
        }
    }

    /** The Allure result JSON of an inner test, by method name. */
    private String result(String method) throws IOException {
        try (Stream<Path> files = Files.list(results)) {
            for (Path p : files.filter(f -> f.toString().endsWith("-result.json")).toList()) {
                String json = Files.readString(p);
                if (json.contains("\"name\" : \"" + method) || json.contains("\"name\":\"" + method)) {
                    return json;
                }
            }
        }
        throw new AssertionError("no Allure result for " + method + " in " + results);
    }
}
