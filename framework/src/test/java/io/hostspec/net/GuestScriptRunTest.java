package io.hostspec.net;

import io.hostspec.net.NetworkPlan.Member;
import io.hostspec.net.internal.GuestScript;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The guest scripts run by dash against a made-up guest: a sysfs tree, a hostname file, /etc/hosts and an {@code ip}
 * that keeps addresses in files and logs every call. Proves what they change, that a second run changes nothing, and
 * what the check reports; the VM tests (LanIT, the lab features) prove them in real guests.
 */
class GuestScriptRunTest {

    private static final NetworkPlan PLAN = NetworkPlan.of(List.of(
            Member.of("client"), Member.of("router", 1, 2), Member.of("db", 2)));
    // a fake ip: addresses of DEV in $FAKE/addr-DEV, "up" in sysfs flags, every call in $FAKE/ip.log
    private static final String FAKE_IP = """
            #!/bin/sh
            echo "$*" >> "$FAKE/ip.log"
            net="$FAKE/sys/class/net"
            case "$*" in
              "-4 -o addr show dev "*) d=$6; [ -f "$FAKE/addr-$d" ] && while read -r a; do \
            echo "2: $d    inet $a brd 0.0.0.0 scope global $d\\\\       valid_lft forever"; done < "$FAKE/addr-$d"; exit 0 ;;
              "-4 addr flush dev "*) : > "$FAKE/addr-$5" ;;
              "addr add "*) echo "$3" >> "$FAKE/addr-$5" ;;
              "link set dev "*" address "*) echo "$6" > "$net/$4/address" ;;
              "link set dev "*" up") echo 0x1003 > "$net/$4/flags" ;;
              "neigh flush dev "*) ;;
              *) echo "fake ip: unexpected: $*" >&2; exit 9 ;;
            esac
            """;

    @TempDir
    Path fake;

    @BeforeEach
    void guest() throws IOException {
        // a restored snapshot: eth0 and eth1 carry the snapshot's MACs, eth1 has a stale address, both are down
        link("lo", 1, "772", "00:00:00:00:00:00");
        link("eth0", 2, "1", "52:54:00:aa:aa:01");
        link("eth1", 3, "1", "52:54:00:aa:aa:02");
        Files.writeString(fake.resolve("addr-eth1"), "198.18.9.9/24\n");
        Files.writeString(fake.resolve("hostname"), "snapshot\n");
        Files.writeString(fake.resolve("hosts"), "127.0.0.1 localhost\n" + GuestScript.BEGIN + "\n198.18.9.9 old\n"
                + GuestScript.END + "\n::1 localhost ip6-localhost\n");
        Path bin = Files.createDirectories(fake.resolve("bin"));
        Files.writeString(bin.resolve("ip"), FAKE_IP);
        bin.resolve("ip").toFile().setExecutable(true);
        Files.createDirectories(fake.resolve("etc"));
    }

    private void link(String name, int ifindex, String type, String mac) throws IOException {
        Path d = Files.createDirectories(fake.resolve("sys/class/net").resolve(name));
        Files.writeString(d.resolve("ifindex"), ifindex + "\n");
        Files.writeString(d.resolve("type"), type + "\n");
        Files.writeString(d.resolve("address"), mac + "\n");
        Files.writeString(d.resolve("flags"), "0x1002\n");
    }

    private record Run(int exit, String out, String err) {
    }

    private Run run(String script) throws Exception {
        String local = script.replace("/sys/class/net", fake + "/sys/class/net")
                .replace("/proc/sys/kernel/hostname", fake + "/hostname")
                .replace("/etc/hostname", fake + "/etc/hostname")
                .replace("/etc/hosts", fake + "/hosts")
                .replace("/etc/systemd/system/", fake + "/etc/");
        ProcessBuilder pb = new ProcessBuilder("dash", "-c", local);
        pb.environment().putAll(Map.of("FAKE", fake.toString(),
                "PATH", fake.resolve("bin") + ":" + System.getenv("PATH")));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out, err);
    }

    private String read(String file) throws IOException {
        return Files.readString(fake.resolve(file));
    }

    @Test
    void applyGivesTheIdentityAndASecondRunChangesNothing() throws Exception {
        NetworkPlan.HostNetwork router = PLAN.host("router");
        GuestNetwork network = GuestNetwork.of(router);
        String mac0 = router.nics().get(0).mac();
        String mac1 = router.nics().get(1).mac();

        Run first = run(network.script());
        assertEquals(0, first.exit(), first.err());
        assertEquals(mac0, read("sys/class/net/eth0/address").strip(), "the first ethernet link, by position");
        assertEquals(mac1, read("sys/class/net/eth1/address").strip());
        assertEquals("198.18.1.11/24", read("addr-eth0").strip());
        assertEquals("198.18.2.11/24", read("addr-eth1").strip(), "the stale address is gone");
        assertEquals("0x1003", read("sys/class/net/eth1/flags").strip(), "up");
        assertEquals("router", read("hostname").strip());
        assertEquals("router", read("etc/hostname").strip());
        assertEquals(GuestScript.BEGIN + "\n198.18.1.10 client\n198.18.1.11 router\n198.18.2.12 db\n"
                + GuestScript.END + "\n127.0.0.1 localhost\n::1 localhost ip6-localhost\n", read("hosts"),
                "the block at the top, the old block gone, every other line kept");
        assertTrue(read("ip.log").contains("neigh flush dev eth0"), read("ip.log"));

        Files.delete(fake.resolve("ip.log"));
        Run second = run(network.script());
        assertEquals(0, second.exit(), second.err());
        assertEquals("-4 -o addr show dev eth0\n-4 -o addr show dev eth1\n", read("ip.log"),
                "the interfaces are found by their MACs now, and nothing is changed again");
        assertEquals(first.out(), second.out());

        Run check = run(network.checkScript());
        assertEquals(0, check.exit(), check.out() + check.err());
        assertEquals("OK 198.18.1.11/24 on eth0 (" + mac0 + ")\nOK 198.18.2.11/24 on eth1 (" + mac1 + ")\n"
                + "OK hostname router\n", check.out());
    }

    @Test
    void theCheckSaysWhatIsMissing() throws Exception {
        NetworkPlan.HostNetwork router = PLAN.host("router");
        GuestNetwork network = GuestNetwork.of(router);
        assertEquals(0, run(network.script()).exit());
        Files.writeString(fake.resolve("addr-eth1"), "");
        Files.writeString(fake.resolve("sys/class/net/eth0/flags"), "0x1002\n");
        Files.writeString(fake.resolve("hostname"), "other\n");

        Run check = run(network.checkScript());
        assertEquals(1, check.exit(), check.out());
        assertTrue(check.out().contains("MISSING eth0 (" + router.nics().get(0).mac() + ") is down"), check.out());
        assertTrue(check.out().contains("MISSING 198.18.2.11/24 is not on eth1"), check.out());
        assertTrue(check.out().contains("MISSING hostname is other, not router"), check.out());
    }

    @Test
    void aNicWithoutAnInterfaceStopsTheScriptNamingTheLinks() throws Exception {
        Files.writeString(fake.resolve("sys/class/net/eth1/type"), "772\n"); // only one ethernet link is left
        Run run = run(GuestNetwork.of(PLAN.host("router")).script());
        assertEquals(GuestScript.NO_INTERFACE, run.exit(), run.err());
        assertTrue(run.err().contains("no ethernet link at position 1; links:\n2 eth0 52:54:00:aa:aa:01"), run.err());
        assertFalse(read("hostname").contains("router"), "nothing after the failure ran");
    }

    @Test
    void applyAndVerifyInOneCommandReportsTheCheckAfterItsLine() throws Exception {
        NetworkPlan.HostNetwork db = PLAN.host("db");
        Run run = run(GuestScript.applyAndVerify(db));
        assertEquals(0, run.exit(), run.err());
        assertTrue(run.out().contains(GuestScript.CHECKING + "\nOK 198.18.2.12/24 on eth0"), run.out());

        // an ip that adds no address: applying "succeeds", the check after it fails the command
        Files.writeString(fake.resolve("bin/ip"), FAKE_IP.replace("\"addr add \"*) echo \"$3\"", "\"addr add \"*) : \"$3\""));
        Files.writeString(fake.resolve("addr-eth0"), "");
        Files.writeString(fake.resolve("sys/class/net/eth0/address"), "52:54:00:aa:aa:01\n");
        Run broken = run(GuestScript.applyAndVerify(db));
        assertEquals(1, broken.exit(), broken.out() + broken.err());
        assertTrue(broken.out().contains(GuestScript.CHECKING + "\nMISSING 198.18.2.12/24 is not on eth0"), broken.out());
    }
}
