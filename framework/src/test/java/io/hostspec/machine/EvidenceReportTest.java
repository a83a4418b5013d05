package io.hostspec.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** What a failed scenario's report keeps of a machine: failed units and the units a timed-out wait may wait for. */
class EvidenceReportTest {

    @Test
    void aFailedScenarioKeepsTheJournalOfUnitsStillStartingAndOfFailedOnes() {
        ScriptedMachine web = new ScriptedMachine("web", command -> {
            if (command.startsWith("systemctl list-jobs")) {
                return "JOB UNIT                       TYPE  STATE\n41  acme-app.service           start running\n";
            }
            if (command.startsWith("systemctl list-units --state=failed,activating")) {
                return "acme-app.service\nbroken.service\n";
            }
            if (command.startsWith("journalctl")) {
                return "journal lines of " + command.replaceAll(".* -u '?([^' ]+)'?.*", "$1");
            }
            return "";
        });

        Map<String, String> report = Evidence.report(web, true);

        assertTrue(report.get("[web] systemctl list-jobs").contains("acme-app.service           start running"),
                report.toString());
        assertEquals("journal lines of acme-app.service", report.get("[web] journal of acme-app.service"));
        assertEquals("journal lines of broken.service", report.get("[web] journal of broken.service"));
    }

    @Test
    void aPassedScenarioKeepsOnlyTheConsoleAndNoJobsAreNotAttached() {
        ScriptedMachine web = new ScriptedMachine("web", command ->
                command.startsWith("systemctl list-jobs") ? "No jobs running.\n" : "");

        assertEquals(List.of("[web] serial console"), List.copyOf(Evidence.report(web, false).keySet()));
        assertTrue(web.commands.isEmpty(), web.commands.toString());
        Map<String, String> failed = Evidence.report(web, true);
        assertFalse(failed.containsKey("[web] systemctl list-jobs"), failed.toString());
        assertTrue(failed.containsKey("[web] systemctl --failed"), failed.toString());
    }

    /** A running VM whose commands answer from a script; records the commands. */
    private static final class ScriptedMachine implements Machine {
        private final String name;
        private final Function<String, String> answers;
        final List<String> commands = new ArrayList<>();

        ScriptedMachine(String name, Function<String, String> answers) {
            this.name = name;
            this.answers = answers;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public Backend backend() {
            return Backend.VM;
        }

        @Override
        public void start() {
        }

        @Override
        public void waitUntilReady(Duration timeout) {
        }

        @Override
        public Optional<StartKind> lastStart() {
            return Optional.of(StartKind.RESTORED);
        }

        @Override
        public void reboot() {
        }

        @Override
        public void shutdown() {
        }

        @Override
        public void crash() {
        }

        @Override
        public OptionalLong pid() {
            return OptionalLong.empty();
        }

        @Override
        public boolean isRunning() {
            return true;
        }

        @Override
        public void failIfStopped() {
        }

        @Override
        public ExecResult execute(String command, Duration timeout) {
            commands.add(command);
            return new ExecResult(command, 0, answers.apply(command), "", Duration.ZERO);
        }

        @Override
        public byte[] readBytes(String path) {
            return new byte[0];
        }

        @Override
        public void writeFile(String path, byte[] content) {
        }

        @Override
        public List<String> consoleTail(int lines) {
            return List.of("console");
        }

        @Override
        public void close() {
        }
    }
}
