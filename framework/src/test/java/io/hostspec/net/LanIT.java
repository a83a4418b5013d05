package io.hostspec.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hostspec.host.EvaluatedHost;
import io.hostspec.host.HostSpec;
import io.hostspec.host.Hosts;
import io.hostspec.host.Project;
import io.hostspec.image.BuiltImage;
import io.hostspec.image.ImageBuilder;
import io.hostspec.machine.Lab;
import io.hostspec.machine.Machine;
import io.hostspec.machine.MachineSpec;
import io.hostspec.net.NetworkPlan.Member;
import io.hostspec.net.PortProbe.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two real guests on one VDE LAN (no tap: the host gets no interface). The image is a real hostspec image of a bare
 * host (default-deny firewall, ICMP allowed) that opens TCP 8080 and 8081; both guests boot it and get their
 * identity from the network plan. Tests run in order on the same two guests.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LanIT {

    private static final int LISTENING = 8080;
    private static final int ALLOWED_NOT_LISTENING = 8081;
    private static final int FIREWALLED = 9090;

    private static Set<String> hostLinksBefore;
    private static NetworkPlan plan;
    private static VirtualNetwork network;
    private static Lab lab;
    private static Machine alpha;
    private static Machine beta;
    private static final List<Long> pids = new ArrayList<>();

    @BeforeAll
    static void bootTwoGuestsOnOneLan() throws Exception {
        hostLinksBefore = hostLinks();
        long t0 = System.nanoTime();
        Hosts hosts = new Hosts(Project.current());
        EvaluatedHost box = hosts.evaluate(HostSpec.named("lanbox").withText(
                "networking.firewall.allowedTCPPorts = [" + LISTENING + ", " + ALLOWED_NOT_LISTENING + "]\n",
                "LanIT.java", 0));
        BuiltImage image = ImageBuilder.create().build(box.recipe());
        System.out.printf("MEASURE image (build or cache hit): %.1f s%n", (System.nanoTime() - t0) / 1e9);

        // beta has a second NIC (alone on LAN 2) to prove the NIC order the positional fallback relies on
        plan = NetworkPlan.of(List.of(Member.of("alpha"), Member.of("beta", 1, 2)));
        lab = Lab.create();
        long t1 = System.nanoTime();
        network = VirtualNetwork.start(plan, lab.runDirectory());
        System.out.printf("MEASURE switch start: %d ms%n", (System.nanoTime() - t1) / 1_000_000);
        network.lans().forEach(lan -> pids.add(lan.pid()));
        alpha = lab.add(MachineSpec.of("alpha", image).withExtraQemuArgs(network.qemuArgs("alpha")));
        beta = lab.add(MachineSpec.of("beta", image).withExtraQemuArgs(network.qemuArgs("beta")));
        long t2 = System.nanoTime();
        lab.startAll();
        System.out.printf("MEASURE two guests booted in parallel to agent-ready: %.1f s%n", (System.nanoTime() - t2) / 1e9);
        alpha.pid().ifPresent(pids::add);
        beta.pid().ifPresent(pids::add);
        long t3 = System.nanoTime();
        network.configure(alpha);
        network.configure(beta);
        System.out.printf("MEASURE identity applied and checked on both: %d ms%n", (System.nanoTime() - t3) / 1_000_000);
    }

    @AfterAll
    static void closeAndCheckNothingSurvives() {
        RuntimeException failure = null;
        for (AutoCloseable c : new AutoCloseable[] {lab, network}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                failure = failure == null ? new IllegalStateException("close failed", e) : failure;
            }
        }
        for (long pid : pids) {
            assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid + " still alive");
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Test
    @Order(1)
    void bothGuestsHaveTheirPlannedIdentity() {
        for (Machine m : List.of(alpha, beta)) {
            String report = GuestNetwork.of(plan.host(m.name())).verify(m);
            assertTrue(report.contains("OK " + plan.host(m.name()).nics().get(0).cidr()), report);
            assertEquals(m.name(), m.succeed("hostname").strip());
            assertEquals(m.name(), m.succeed("cat /etc/hostname").strip());
            String mac = plan.host(m.name()).nics().get(0).mac();
            assertTrue(m.succeed("ip -o link show").contains("link/ether " + mac), "MAC " + mac + " on " + m.name());
        }
        // ethernet links in ifindex order carry the MACs in the order QEMU was given the NICs (virtio-mmio on
        // microvm); a restored guest is matched by this position
        String macsByIfindex = beta.succeed("ip -o link show | awk '/link\\/ether/ { for (i = 1; i < NF; i++) "
                + "if ($i == \"link/ether\") print $(i + 1) }'");
        assertEquals(plan.host("beta").nics().stream().map(NetworkPlan.Nic::mac).toList(),
                List.of(macsByIfindex.strip().split("\n")));
        assertEquals("198.18.1.11", alpha.succeed("getent hosts beta").split("\\s+")[0]);
        assertEquals("198.18.1.10", beta.succeed("getent hosts alpha").split("\\s+")[0]);
        String hostsFile = alpha.succeed("cat /etc/hosts");
        assertTrue(hostsFile.startsWith("# BEGIN hostspec network"), hostsFile);
        assertTrue(hostsFile.contains("127.0.0.1 localhost"), "other lines kept:\n" + hostsFile);
    }

    @Test
    @Order(2)
    void guestsPingEachOtherByName() {
        alpha.succeed("ping -c 2 -W 2 beta");
        beta.succeed("ping -c 2 -W 2 alpha");
    }

    @Test
    @Order(3)
    void anOpenPortIsReachableFromThePeer() {
        beta.succeed("systemd-run --unit=lanit-listener nc -lk " + LISTENING);
        beta.waitForOpenPort(LISTENING, Duration.ofSeconds(30));
        long t0 = System.nanoTime();
        PortProbe probe = Reachability.canReach(alpha, "198.18.1.11", LISTENING, Duration.ofSeconds(30));
        System.out.printf("MEASURE canReach (open port, one agent round trip + nc): %d ms, nc %d ms%n",
                (System.nanoTime() - t0) / 1_000_000, probe.elapsed().toMillis());
        assertEquals(Verdict.OPEN, probe.verdict(), probe.describe());
        assertEquals(Verdict.OPEN, Reachability.canReach(alpha, "beta", LISTENING, Duration.ofSeconds(30)).verdict());
        ReachabilityError open = assertThrows(ReachabilityError.class,
                () -> Reachability.cannotReach(alpha, "beta", LISTENING));
        assertTrue(open.getMessage().contains("connection was accepted"), open.getMessage());
    }

    @Test
    @Order(4)
    void closedPortsAreReportedUnreachableWithTheReason() {
        long t0 = System.nanoTime();
        PortProbe refused = Reachability.cannotReach(alpha, "198.18.1.11", ALLOWED_NOT_LISTENING);
        System.out.printf("MEASURE cannotReach refused: %d ms total, nc %d ms%n",
                (System.nanoTime() - t0) / 1_000_000, refused.elapsed().toMillis());
        assertEquals(Verdict.REFUSED, refused.verdict(), refused.describe());

        long t1 = System.nanoTime();
        PortProbe dropped = Reachability.cannotReach(alpha, "198.18.1.11", FIREWALLED);
        System.out.printf("MEASURE cannotReach dropped: %d ms total, nc %d ms%n",
                (System.nanoTime() - t1) / 1_000_000, dropped.elapsed().toMillis());
        assertEquals(Verdict.DROPPED, dropped.verdict(), dropped.describe());
        assertTrue(dropped.elapsed().compareTo(Duration.ofMillis(1500)) >= 0, dropped.describe());

        long t2 = System.nanoTime();
        ReachabilityError e = assertThrows(ReachabilityError.class,
                () -> Reachability.canReach(alpha, "198.18.1.11", ALLOWED_NOT_LISTENING, Duration.ofSeconds(5)));
        System.out.printf("MEASURE canReach on a refused port gave up after %d ms%n", (System.nanoTime() - t2) / 1_000_000);
        assertTrue(e.getMessage().contains("timed out after 5.0 s"), e.getMessage());
        assertTrue(e.getMessage().contains("Connection refused"), e.getMessage());
        assertTrue(e.getMessage().contains("target answers ping"), e.getMessage());
        assertTrue(e.getMessage().contains("198.18.1.10/24"), "client addresses as evidence: " + e.getMessage());
    }

    @Test
    @Order(5)
    void theHostHasNoNewNetworkInterface() throws Exception {
        Set<String> now = hostLinks();
        Set<String> added = new TreeSet<>(now);
        added.removeAll(hostLinksBefore);
        assertEquals(Set.of(), added, "host interfaces before: " + hostLinksBefore + ", now: " + now);
    }

    @Test
    @Order(6)
    void aGuestWithAnotherIdentityIsGivenItsOwnAgain() {
        // What a restored snapshot looks like: the NIC has the snapshot's MAC, address and name.
        String devs = beta.succeed("ip -o link show | awk '/link\\/ether/ { sub(/:$/, \"\", $2); print $2 }'");
        int n = 0;
        for (String dev : devs.strip().split("\n")) {
            n++;
            beta.succeed("ip link set dev " + dev + " address 52:54:00:99:99:9" + n + " && ip -4 addr flush dev "
                    + dev + " && ip addr add 198.18." + n + ".99/24 dev " + dev);
        }
        assertEquals(2, n, devs);
        beta.succeed("hostname snapshot");
        assertThrows(NetworkException.class, () -> GuestNetwork.of(plan.host("beta")).verify(beta));
        long t0 = System.nanoTime();
        network.configure(beta);
        System.out.printf("MEASURE identity re-applied after a simulated restore: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        String hostsBefore = beta.succeed("cat /etc/hosts");
        network.configure(beta); // idempotent: nothing changes the second time
        assertEquals(hostsBefore, beta.succeed("cat /etc/hosts"));
        assertEquals(1, count(hostsBefore, "# BEGIN hostspec network"), hostsBefore);
        assertEquals("beta", beta.succeed("hostname").strip());
        assertEquals(Verdict.OPEN, Reachability.canReach(alpha, "beta", LISTENING, Duration.ofSeconds(30)).verdict());
        String report = GuestNetwork.of(plan.host("beta")).verify(beta);
        assertTrue(report.contains("OK 198.18.2.11/24 on eth1"), report);
    }

    @Test
    @Order(7)
    void cannotReachFailsWhenTheLanIsBroken() {
        String mac = plan.host("beta").nics().get(0).mac();
        beta.succeed("for d in /sys/class/net/*; do [ \"$(cat $d/address)\" != " + mac
                + " ] || ip link set dev \"${d##*/}\" down; done");
        long t0 = System.nanoTime();
        ReachabilityError e = assertThrows(ReachabilityError.class,
                () -> Reachability.cannotReach(alpha, "198.18.1.11", FIREWALLED));
        System.out.printf("MEASURE cannotReach on a broken LAN failed after %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        System.out.println("SAMPLE broken-LAN message:\n" + e.getMessage());
        assertTrue(e.getMessage().contains("the client cannot reach the target at all"), e.getMessage());
        assertTrue(e.getMessage().contains("198.18.1.10/24"), "client addresses as evidence: " + e.getMessage());
        assertEquals("alpha", e.client());
    }

    private static int count(String text, String part) {
        return text.split(java.util.regex.Pattern.quote(part), -1).length - 1;
    }

    private static Set<String> hostLinks() throws Exception {
        Process ip = new ProcessBuilder("ip", "-o", "link", "show").redirectErrorStream(true).start();
        String out = new String(ip.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ip.waitFor(10, TimeUnit.SECONDS) && ip.exitValue() == 0, out);
        Set<String> names = new TreeSet<>();
        for (String line : out.split("\n")) {
            String[] fields = line.split(":\\s+", 3);
            if (fields.length >= 2) {
                names.add(fields[1].replaceAll("@.*", ""));
            }
        }
        return names;
    }

}
