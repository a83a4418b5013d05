package io.hostspec.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hostspec.net.NetworkPlan.Member;
import io.hostspec.net.internal.GuestScript;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The guest scripts as text, and their syntax (checked with {@code sh -n}: nothing is executed on the host). */
class GuestNetworkScriptTest {

    private static final NetworkPlan PLAN = NetworkPlan.of(List.of(
            Member.of("client"), Member.of("router", 1, 2), Member.of("db", 2)));

    @TempDir
    Path tmp;

    @Test
    void applyScriptResolvesEveryNicBeforeChangingAnyMac() {
        NetworkPlan.HostNetwork router = PLAN.host("router");
        String script = GuestNetwork.of(router).script();
        String mac1 = router.nics().get(0).mac();
        String mac2 = router.nics().get(1).mac();
        int resolve0 = script.indexOf("dev0=$(nic " + mac1 + " 0)");
        int resolve1 = script.indexOf("dev1=$(nic " + mac2 + " 1)");
        int configure0 = script.indexOf("configure \"$dev0\" " + mac1 + " 198.18.1.11/24");
        int configure1 = script.indexOf("configure \"$dev1\" " + mac2 + " 198.18.2.11/24");
        assertTrue(resolve0 > 0 && resolve1 > resolve0 && configure0 > resolve1 && configure1 > configure0, script);
        assertTrue(script.startsWith("# hostspec: network identity of router"), script);
        assertTrue(script.contains("set -eu\n"), script);
        assertTrue(script.contains("ip link set dev \"$1\" address \"$2\""), script);
        assertTrue(script.contains("ip -4 addr flush dev \"$1\"; ip addr add \"$3\" dev \"$1\""), script);
        assertTrue(script.contains("is_up \"$1\" || ip link set dev \"$1\" up"), script);
        assertTrue(script.contains("echo 'router' > /proc/sys/kernel/hostname\necho 'router' > /etc/hostname\n"),
                script);
    }

    @Test
    void applyScriptWritesTheHostsBlockAtTheTopAndKeepsOtherLines() {
        String script = GuestNetwork.of(PLAN.host("router")).script();
        String block = "  echo '" + GuestScript.BEGIN + "'\n"
                + "  echo '198.18.1.10 client'\n"
                + "  echo '198.18.1.11 router'\n"
                + "  echo '198.18.2.12 db'\n"
                + "  echo '" + GuestScript.END + "'\n"
                + "  skip=\n"
                + "  [ ! -f /etc/hosts ] || while IFS= read -r line";
        assertTrue(script.contains(block), script);
        assertTrue(script.contains("done < /etc/hosts\n} > /etc/hosts.hostspec-new\n"), script);
        assertTrue(script.contains("mv -f /etc/hosts.hostspec-new /etc/hosts"), script);
        // units that need the lab network wait for this target, started once the identity is in place
        assertTrue(script.endsWith("if [ -f /etc/systemd/system/hostspec-lab-online.target ]; then systemctl start "
                + "--no-block hostspec-lab-online.target; fi\n"), script);
    }

    @Test
    void scriptIsDeterministic() {
        assertEquals(GuestNetwork.of(PLAN.host("db")).script(),
                GuestNetwork.of(NetworkPlan.of(List.of(Member.of("client"), Member.of("router", 1, 2),
                        Member.of("db", 2))).host("db")).script());
    }

    @Test
    void checkScriptChecksEveryNicAndTheHostname() {
        NetworkPlan.HostNetwork router = PLAN.host("router");
        String check = GuestNetwork.of(router).checkScript();
        assertTrue(check.contains("check " + router.nics().get(0).mac() + " 198.18.1.11/24\n"), check);
        assertTrue(check.contains("check " + router.nics().get(1).mac() + " 198.18.2.11/24\n"), check);
        assertTrue(check.contains("read -r h < /proc/sys/kernel/hostname\nif [ \"$h\" = 'router' ]"), check);
        assertTrue(check.endsWith("exit $rc\n"), check);
    }

    @Test
    void bothScriptsAreValidPosixShell() throws Exception {
        for (String host : List.of("client", "router", "db")) {
            GuestNetwork network = GuestNetwork.of(PLAN.host(host));
            syntaxCheck(network.script());
            syntaxCheck(network.checkScript());
        }
        syntaxCheck(GuestNetwork.of(NetworkPlan.of(List.of(new Member("solo", new java.util.TreeSet<>())))
                .host("solo")).script());
    }

    private void syntaxCheck(String script) throws IOException, InterruptedException {
        Path file = Files.writeString(tmp.resolve("script.sh"), script);
        Process sh = new ProcessBuilder("sh", "-n", file.toString()).redirectErrorStream(true).start();
        assertTrue(sh.waitFor(10, TimeUnit.SECONDS));
        String out = new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, sh.exitValue(), out + "\n" + script);
    }
}
