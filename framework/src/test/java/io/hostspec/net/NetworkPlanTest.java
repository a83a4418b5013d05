package io.hostspec.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hostspec.net.NetworkPlan.HostNetwork;
import io.hostspec.net.NetworkPlan.Member;
import io.hostspec.net.NetworkPlan.Nic;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class NetworkPlanTest {

    private static final Pattern MAC = Pattern.compile("52:54:00:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}");

    @Test
    void twoHostsOnTheDefaultLan() {
        NetworkPlan plan = NetworkPlan.of(List.of(Member.of("client"), Member.of("server")));
        HostNetwork client = plan.host("client");
        HostNetwork server = plan.host("server");
        assertEquals(1, client.nics().size());
        Nic nic = client.nics().get(0);
        assertEquals(1, nic.lan());
        assertEquals(0, nic.position());
        assertEquals("198.18.1.10", nic.address());
        assertEquals("198.18.1.10/24", nic.cidr());
        assertEquals("198.18.1.11", server.nics().get(0).address());
        assertTrue(MAC.matcher(nic.mac()).matches(), nic.mac());
        assertTrue(nic.mac().startsWith("52:54:00:01:"), "LAN byte: " + nic.mac());
        int suffix = NetworkPlan.hash16("client");
        assertEquals(String.format("52:54:00:01:%02x:%02x", suffix >> 8, suffix & 0xFF), nic.mac());
        List<String> expected = List.of("198.18.1.10 client", "198.18.1.11 server");
        assertEquals(expected, client.hostsLines());
        assertEquals(expected, server.hostsLines());
        assertEquals(Set.of(1), plan.lans());
        assertEquals(Optional.of("198.18.1.11"), plan.addressFor("client", "server"));
    }

    @Test
    void macIsLocallyAdministeredUnicast() {
        String mac = NetworkPlan.of(List.of(Member.of("x"))).host("x").nics().get(0).mac();
        int first = Integer.parseInt(mac.substring(0, 2), 16);
        assertEquals(0x02, first & 0x02, "locally administered bit");
        assertEquals(0, first & 0x01, "unicast");
    }

    @Test
    void samePlanForSameInputAcrossCalls() {
        List<Member> members = List.of(Member.of("web", 1, 2), Member.of("db", 2), Member.of("client"));
        assertEquals(NetworkPlan.of(members), NetworkPlan.of(List.copyOf(members)));
    }

    @Test
    void addressesFollowTheListOrderButMacsDoNot() {
        NetworkPlan ab = NetworkPlan.of(List.of(Member.of("a"), Member.of("b")));
        NetworkPlan ba = NetworkPlan.of(List.of(Member.of("b"), Member.of("a")));
        assertEquals("198.18.1.10", ab.host("a").nics().get(0).address());
        assertEquals("198.18.1.11", ba.host("a").nics().get(0).address());
        assertEquals(ab.host("a").nics().get(0).mac(), ba.host("a").nics().get(0).mac());
        assertEquals(ab.host("b").nics().get(0).mac(), ba.host("b").nics().get(0).mac());
    }

    @Test
    void hashCollisionsAreResolvedDeterministicallyAndOrderIndependently() {
        String[] pair = collidingNames();
        assertEquals(NetworkPlan.hash16(pair[0]), NetworkPlan.hash16(pair[1]), "test precondition");
        NetworkPlan forward = NetworkPlan.of(List.of(Member.of(pair[0]), Member.of(pair[1])));
        NetworkPlan backward = NetworkPlan.of(List.of(Member.of(pair[1]), Member.of(pair[0])));
        String mac0 = forward.host(pair[0]).nics().get(0).mac();
        String mac1 = forward.host(pair[1]).nics().get(0).mac();
        assertNotEquals(mac0, mac1);
        assertEquals(mac0, backward.host(pair[0]).nics().get(0).mac());
        assertEquals(mac1, backward.host(pair[1]).nics().get(0).mac());
        // the name that sorts first keeps its hash; the other counts up
        String first = pair[0].compareTo(pair[1]) < 0 ? pair[0] : pair[1];
        int h = NetworkPlan.hash16(first);
        assertEquals(String.format("52:54:00:01:%02x:%02x", h >> 8, h & 0xFF), forward.host(first).nics().get(0).mac());
    }

    @Test
    void macsAndAddressesAreUniqueInALargeScenario() {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < NetworkPlan.MAX_HOSTS; i++) {
            members.add(i % 3 == 0 ? Member.of("host" + i, 1, 2) : Member.of("host" + i));
        }
        NetworkPlan plan = NetworkPlan.of(members);
        Set<String> macs = new HashSet<>();
        Set<String> addresses = new HashSet<>();
        for (HostNetwork host : plan.hosts()) {
            for (Nic nic : host.nics()) {
                assertTrue(macs.add(nic.mac()), "duplicate MAC " + nic.mac());
                assertTrue(addresses.add(nic.address()), "duplicate address " + nic.address());
                assertTrue(MAC.matcher(nic.mac()).matches(), nic.mac());
            }
        }
        assertEquals("198.18.1.254", plan.host("host244").nics().get(0).address());
    }

    @Test
    void aHostOnTwoLansGetsTwoNicsInLanOrder() {
        NetworkPlan plan = NetworkPlan.of(List.of(
                Member.of("client", 1), Member.of("router", 2, 1), Member.of("db", 2)));
        HostNetwork router = plan.host("router");
        assertEquals(2, router.nics().size());
        assertEquals(1, router.nics().get(0).lan());
        assertEquals(0, router.nics().get(0).position());
        assertEquals("198.18.1.11", router.nics().get(0).address());
        assertEquals(2, router.nics().get(1).lan());
        assertEquals(1, router.nics().get(1).position());
        assertEquals("198.18.2.11", router.nics().get(1).address());
        assertTrue(router.nics().get(1).mac().startsWith("52:54:00:02:"));
        // same host-name hash on both LANs, different LAN byte
        assertEquals(router.nics().get(0).mac().substring(12), router.nics().get(1).mac().substring(12));
        assertEquals(Set.of(1, 2), plan.lans());

        // the router sees each host on the first LAN they share; client and db share none
        assertEquals(List.of("198.18.1.10 client", "198.18.1.11 router", "198.18.2.12 db"), router.hostsLines());
        assertEquals(List.of("198.18.1.10 client", "198.18.1.11 router"), plan.host("client").hostsLines());
        assertEquals(List.of("198.18.2.11 router", "198.18.2.12 db"), plan.host("db").hostsLines());
        assertEquals(Optional.empty(), plan.addressFor("client", "db"));
        assertEquals(Optional.of("198.18.2.11"), plan.addressFor("db", "router"));
        assertEquals(Optional.of("198.18.1.11"), plan.addressFor("client", "router"));
    }

    @Test
    void firstSharedLanIsTheLowestNumberBothHave() {
        NetworkPlan plan = NetworkPlan.of(List.of(Member.of("a", 3, 5, 7), Member.of("b", 7, 5)));
        assertEquals(List.of("198.18.5.10 a", "198.18.5.11 b"), plan.host("b").hostsLines());
    }

    @Test
    void aHostWithoutLansHasNoNicsAndIsNotListed() {
        NetworkPlan plan = NetworkPlan.of(List.of(new Member("lonely", new TreeSet<>()), Member.of("b")));
        assertEquals(List.of(), plan.host("lonely").nics());
        assertEquals(List.of(), plan.host("lonely").hostsLines());
        assertEquals(List.of("198.18.1.11 b"), plan.host("b").hostsLines());
    }

    @Test
    void aliasesFollowTheirHostsNameOnEveryHost() {
        NetworkPlan plan = NetworkPlan.of(List.of(
                new NetworkPlan.Member("web", new TreeSet<>(Set.of(1)), List.of("app.home.lab", "www.home.lab")),
                NetworkPlan.Member.of("client")));
        List<String> expected = List.of("198.18.1.10 web app.home.lab www.home.lab", "198.18.1.11 client");
        assertEquals(expected, plan.host("client").hostsLines());
        assertEquals(expected, plan.host("web").hostsLines());
        assertThrows(IllegalArgumentException.class, () -> new NetworkPlan.Member("web", new TreeSet<>(Set.of(1)),
                List.of("bad name")));
    }

    @Test
    void rejectsBadInput() {
        IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
                () -> NetworkPlan.of(List.of(Member.of("a"), Member.of("a"))));
        assertTrue(dup.getMessage().contains("'a' is listed twice"), dup.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Member.of("a", 0));
        assertThrows(IllegalArgumentException.class, () -> Member.of("a", 256));
        assertThrows(IllegalArgumentException.class, () -> Member.of("Bad_Name"));
        List<Member> tooMany = new ArrayList<>();
        for (int i = 0; i <= NetworkPlan.MAX_HOSTS; i++) {
            tooMany.add(Member.of("h" + i));
        }
        assertThrows(IllegalArgumentException.class, () -> NetworkPlan.of(tooMany));
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> NetworkPlan.of(List.of(Member.of("a"))).host("zz"));
        assertTrue(unknown.getMessage().contains("planned hosts: a"), unknown.getMessage());
    }

    private static String[] collidingNames() {
        Map<Integer, String> seen = new HashMap<>();
        for (int i = 0; ; i++) {
            String name = "n" + i;
            String previous = seen.putIfAbsent(NetworkPlan.hash16(name), name);
            if (previous != null) {
                return new String[] {previous, name};
            }
        }
    }
}
