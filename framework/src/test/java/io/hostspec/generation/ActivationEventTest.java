package io.hostspec.generation;

import io.hostspec.generation.ActivationEvent.FirewallFailed;
import io.hostspec.generation.ActivationEvent.FirewallReloaded;
import io.hostspec.generation.ActivationEvent.SysctlsFailed;
import io.hostspec.generation.ActivationEvent.UnitActed;
import io.hostspec.generation.ActivationEvent.UnitFailed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The activation script's event protocol, both ways: the rendered shell runs in a local {@code sh} against stub
 * {@code nft}, {@code sysctl} and {@code systemctl} commands (nothing of this host is touched), and its output parses
 * back into the typed events.
 */
class ActivationEventTest {

    @TempDir
    Path dir;

    private void stub(String name, String body) throws IOException {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = bin.resolve(name);
        Files.writeString(tool, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private String run(String script) throws Exception {
        Path file = dir.resolve("script.sh");
        Files.writeString(file, "set -u\n" + script);
        ProcessBuilder pb = new ProcessBuilder("sh", file.toString()).redirectErrorStream(true);
        pb.environment().put("PATH", dir.resolve("bin") + ":/usr/bin:/bin");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "the script finished");
        return out;
    }

    @Test
    void aBrokenRulesetAndABadSysctlAreBothReportedWithTheToolsOutput() throws Exception {
        stub("nft", "echo \"$2:3:1-5: Error: syntax error, unexpected junk\" >&2; exit 1");
        stub("sysctl", "echo 'sysctl: cannot stat /proc/sys/net/nope: No such file or directory' >&2; exit 255");
        Path rules = Files.writeString(dir.resolve("nftables.conf"), "junk\n");
        Path sysctls = Files.writeString(dir.resolve("90-hostspec.conf"), "net.nope = 1\n");
        String out = run(ActivationEvent.renderFirewall(rules.toString())
                + ActivationEvent.renderSysctls(sysctls.toString()));
        List<ActivationEvent> events = ActivationEvent.parse(out);
        assertEquals(List.of(new FirewallFailed(rules + ":3:1-5: Error: syntax error, unexpected junk"),
                new SysctlsFailed("sysctl: cannot stat /proc/sys/net/nope: No such file or directory")), events, out);
    }

    @Test
    void successesAndUnitFailuresAreTyped() throws Exception {
        stub("nft", "exit 0");
        stub("systemctl", "if [ \"$2\" = bad.service ]; then echo 'Job for bad.service failed.' >&2; exit 1; fi");
        Path rules = Files.writeString(dir.resolve("nftables.conf"), "table inet filter {}\n");
        String out = run(ActivationEvent.renderFirewall(rules.toString())
                + ActivationEvent.renderUnit("start", SwitchResult.Action.STARTED, "good.service")
                + ActivationEvent.renderUnit("restart", SwitchResult.Action.RESTARTED, "bad.service"));
        assertEquals(List.of(new FirewallReloaded(), new UnitActed(SwitchResult.Action.STARTED, "good.service"),
                new UnitFailed("restart", "bad.service", "Job for bad.service failed.")),
                ActivationEvent.parse(out), out);
    }

    @Test
    void aMissingRulesetFileIsNoEvent() throws Exception {
        assertEquals(List.of(), ActivationEvent.parse(run(ActivationEvent.renderFirewall(
                dir.resolve("absent.conf").toString()))));
    }

    @Test
    void toolChatterIsNotAnEventButAnUnknownEventIsAnError() {
        assertEquals(List.of(new UnitActed(SwitchResult.Action.STOPPED, "x.service")), ActivationEvent.parse(
                "Created symlink ...\nwarning: something\n" + ActivationEvent.MARKER + " unit-acted stopped x.service\n"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ActivationEvent.parse(ActivationEvent.MARKER + " firewall-exploded\n"));
        assertTrue(e.getMessage().contains("firewall-exploded"), e.getMessage());
    }

    @Test
    void theActivationScriptUsesTheProtocolForEveryStep() {
        var a = SwitchScriptTestSupport.recipe("table inet filter {}", java.util.Map.of("net.a", "1"));
        var b = SwitchScriptTestSupport.recipe("table inet filter { }", java.util.Map.of("net.a", "2"));
        String script = ActivationScript.render(SwitchPlan.between(a, b), 2, "switch", "h2");
        assertTrue(script.contains(ActivationEvent.MARKER + " firewall-failed"), script);
        assertTrue(script.contains(ActivationEvent.MARKER + " sysctls-failed"), script);
        assertTrue(!script.contains("FAILED ") && !script.contains("ACTION "), "no second protocol: " + script);
    }
}
