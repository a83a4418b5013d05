package io.hostspec.generation;

import io.hostspec.host.EvaluatedHost;
import io.hostspec.image.GenerationRecord;
import io.hostspec.machine.ExecResult;
import io.hostspec.realize.Recipe;
import io.hostspec.image.internal.RecipeApplier;
import io.hostspec.image.internal.Rootfs;
import io.hostspec.machine.Shell;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A generation history against a fake guest: what it concludes from the guest's record and the script's events. */
class GenerationHistoryTest {

    /** Answers commands from a table of (command prefix, result); records what was run and written. */
    private static final class FakeGuest implements Guest {
        final Map<String, ExecResult> answers = new LinkedHashMap<>();
        final List<String> commands = new ArrayList<>();
        final Map<String, String> written = new LinkedHashMap<>();

        void answer(String prefix, int exit, String stdout) {
            answers.put(prefix, new ExecResult(prefix, exit, stdout, "", Duration.ZERO));
        }

        @Override
        public String name() {
            return "h";
        }

        @Override
        public ExecResult execute(String command, Duration timeout) {
            commands.add(command);
            return answers.entrySet().stream().filter(e -> command.startsWith(e.getKey())).map(Map.Entry::getValue)
                    .findFirst().orElse(new ExecResult(command, 0, "", "", Duration.ZERO));
        }

        @Override
        public String succeed(String command) {
            ExecResult r = execute(command, Duration.ofSeconds(1));
            assertEquals(0, r.exitCode(), command);
            return r.stdout();
        }

        @Override
        public void writeFile(String path, byte[] content) {
            written.put(path, new String(content, StandardCharsets.UTF_8));
        }

        @Override
        public String waitForOutput(String name, String expected, String command, Predicate<String> accept,
                                    Duration timeout) {
            String out = execute(command, timeout).stdout();
            assertTrue(accept.test(out), name + ": " + out);
            return out;
        }
    }

    private static EvaluatedHost host(String nftables, Map<String, String> sysctls) {
        return new EvaluatedHost(null, null, SwitchScriptTestSupport.recipe(nftables, sysctls));
    }

    private static String record(int current, String... historyLines) {
        return current + "\n@hostspec-history\n" + String.join("\n", historyLines) + "\n";
    }

    private static String b64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private final EvaluatedHost one = host("table inet filter {}", Map.of("net.a", "1"));
    private final EvaluatedHost two = host("table inet filter { junk }", Map.of("net.nope", "1"));
    private final FakeGuest guest = new FakeGuest();

    @Test
    void aGuestWithoutARecordIsAnErrorNotGenerationOne() {
        guest.answer(GenerationRecord.readCommand(), 1, "cat: /var/lib/hostspec/generations/current: No such file");
        GenerationException e = assertThrows(GenerationException.class,
                () -> GenerationHistory.bootedWith(guest, one).current());
        assertTrue(e.getMessage().contains("[h] cannot tell its generation: the guest has no generation record"),
                e.getMessage());
    }

    @Test
    void theImagesOwnRecordIsGenerationOne() {
        guest.answer(GenerationRecord.readCommand(), 0, record(1, "1\tboot\t" + one.recipe().imageHash() + "\t-"));
        assertEquals(1, GenerationHistory.bootedWith(guest, one).current());
    }

    @Test
    void aRecordOfAnotherImageOrAnUnknownGenerationIsAnError() {
        guest.answer(GenerationRecord.readCommand(), 0, record(1, "1\tboot\tsomeotherhash\t-"));
        GenerationException e = assertThrows(GenerationException.class,
                () -> GenerationHistory.bootedWith(guest, one).current());
        assertTrue(e.getMessage().contains("records generation 1 as image someotherhash"), e.getMessage());

        guest.answer(GenerationRecord.readCommand(), 0, record(2, "1\tboot\t" + one.recipe().imageHash() + "\t-",
                "2\tswitch\tx\t2026-01-01T00:00:00Z"));
        e = assertThrows(GenerationException.class, () -> GenerationHistory.bootedWith(guest, one).current());
        assertTrue(e.getMessage().contains("knows generations 1..1 only"), e.getMessage());
    }

    @Test
    void aCorruptRecordIsAnError() {
        guest.answer(GenerationRecord.readCommand(), 0, record(2, "1\tboot\t" + one.recipe().imageHash() + "\t-"));
        GenerationException e = assertThrows(GenerationException.class,
                () -> GenerationHistory.bootedWith(guest, one).current());
        assertTrue(e.getMessage().contains("says 2 but the last activation"), e.getMessage());
    }

    @Test
    void aBrokenRulesetAndABadSysctlInOneSwitchAreBothReportedAndNoUnitIsBlamed() {
        guest.answer(GenerationRecord.readCommand(), 0, record(1, "1\tboot\t" + one.recipe().imageHash() + "\t-"));
        guest.answer("sh '/run/hostspec/activate-2-switch.sh'", 0,
                ActivationEvent.MARKER + " firewall-failed " + b64("/etc/nftables.conf:2:21-24: Error: syntax error")
                        + "\n" + ActivationEvent.MARKER + " sysctls-failed "
                        + b64("sysctl: cannot stat /proc/sys/net/nope: No such file or directory") + "\n");
        GenerationHistory history = GenerationHistory.bootedWith(guest, one);
        GenerationException e = assertThrows(GenerationException.class, () -> history.switchTo(two));
        SwitchResult r = e.result();
        assertNotNull(r, e.getMessage());
        assertEquals(List.of(SwitchResult.FIREWALL, SwitchResult.SYSCTLS), List.copyOf(r.failedSteps().keySet()));
        assertTrue(r.failedSteps().get(SwitchResult.FIREWALL).contains("Error: syntax error"), r.report());
        assertTrue(r.failedSteps().get(SwitchResult.SYSCTLS).contains("/proc/sys/net/nope"), r.report());
        assertTrue(r.failed().isEmpty(), "no unit failed: " + r.failed());
        assertFalse(r.firewallReloaded() || r.sysctlsApplied(), r.report());
        assertTrue(e.getMessage().contains("2 step(s) failed: firewall, sysctls"), e.getMessage());
        assertTrue(guest.commands.stream().noneMatch(c -> c.startsWith("journalctl")), "no journal of a unit \"-\": "
                + guest.commands);
    }

    @Test
    void aSwitchRendersTheSameAccountCommandsAsAnImageBuildFromTheSameAccounts(@TempDir Path root) throws Exception {
        String passwd = "root:x:0:0:root:/root:/bin/bash\napp:x:999:900::/var/empty:/usr/sbin/nologin\n";
        String group = "root:x:0:\nadm:x:4:app\nweb:x:900:\n";
        Recipe a = accounts(900L, Set.of("adm"), "/usr/sbin/nologin");
        Recipe b = accounts(950L, Set.of(), "/bin/sh");

        // the switch: the fake guest holds generation 1's accounts
        guest.answer(GenerationRecord.readCommand(), 0, record(1, "1\tboot\t" + a.imageHash() + "\t-"));
        guest.answer("cat /etc/passwd", 0, passwd + "@hostspec-accounts\n" + group);
        GenerationHistory.bootedWith(guest, new EvaluatedHost(null, null, a)).switchTo(new EvaluatedHost(null, null, b));
        String script = guest.written.get("/run/hostspec/activate-2-switch.sh");
        String section = script.substring(script.indexOf("# accounts"), script.indexOf("# files"));
        List<String> switched = section.lines().skip(1).filter(l -> !l.isBlank()).toList();

        // the image: a root file system with the same accounts, generation 2's recipe applied in a (recording) chroot
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), passwd);
        Files.writeString(root.resolve("etc/group"), group);
        List<String> built = new ArrayList<>();
        new RecipeApplier(new Rootfs(root), argv -> built.add(String.join(" ", argv.stream().map(Shell::quote)
                .toList()))).apply(b);
        built.remove("'usermod' '--lock' 'root'");

        // the same commands; the switch also drops the membership generation 1 declared and generation 2 does not
        built.add("'gpasswd' '--delete' 'app' 'adm'");
        assertEquals(built, switched, script);
        assertEquals(List.of("'groupmod' '--gid' '950' 'web'", "'usermod' '--shell' '/bin/sh' 'app'",
                "'gpasswd' '--delete' 'app' 'adm'"), switched);
    }

    private static Recipe accounts(long gid, Set<String> extra, String shell) {
        Recipe base = SwitchScriptTestSupport.recipe("", Map.of());
        return new Recipe("h", base.packages(), base.files(),
                new java.util.TreeMap<>(Map.of("web", new Recipe.GroupEntry("web", gid, true))),
                new java.util.TreeMap<>(Map.of("app", new Recipe.UserEntry("app", 999L, "web",
                        new java.util.TreeSet<>(extra), "/var/empty", shell, true, List.of()))),
                base.units(), "", base.sysctls(), base.kernelModules(), base.stateDirs(), base.hardware(),
                base.artifacts(), base.options());
    }
}
