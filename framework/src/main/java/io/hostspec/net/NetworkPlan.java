package io.hostspec.net;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The network of one scenario, computed from its hosts and their virtual LANs, without side effects: each host's
 * NICs (LAN, MAC, address) and the {@code /etc/hosts} lines it gets. The same input always gives the same plan.
 *
 * <ul>
 *   <li>LAN {@code n} (1..255) is {@code 198.18.n.0/24}, inside the benchmarking range 198.18.0.0/15 that is
 *       never routed on the internet;</li>
 *   <li>the host at position {@code i} (0-based) of the list is {@code .(10+i)} on every LAN it is attached to;</li>
 *   <li>a NIC's MAC is {@code 52:54:00:LL:hh:hh}: locally administered, {@code LL} the LAN number, {@code hh:hh}
 *       two bytes of the SHA-256 of the host name; a collision within a LAN is resolved by counting up, hosts taken
 *       in name order, so the result does not depend on the order of the list;</li>
 *   <li>a host's NICs are in ascending LAN order; its {@code /etc/hosts} lines name every host it shares a LAN with
 *       (itself included), each at its address on the first LAN they share, in list order, followed by its
 *       aliases. Hosts with no shared LAN are not listed.</li>
 * </ul>
 *
 * @param hosts the hosts' networks, in the order given
 */
public record NetworkPlan(List<HostNetwork> hosts) {

    /** The address range of all guest LANs. */
    public static final String RANGE = "198.18.0.0/15";
    /** Prefix length of every LAN. */
    public static final int PREFIX_LENGTH = 24;
    /** Last octet of the first host; host {@code i} gets {@code FIRST_HOST + i}. */
    public static final int FIRST_HOST = 10;
    /** Most hosts in one plan ({@code .10} to {@code .254}). */
    public static final int MAX_HOSTS = 254 - FIRST_HOST + 1;
    /** Highest LAN number (it is the third octet of the address and a byte of the MAC). */
    public static final int MAX_LAN = 255;

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?");
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9*]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?");

    /** Copies the list. */
    public NetworkPlan {
        hosts = List.copyOf(hosts);
    }

    /**
     * A host of the scenario and the LANs it is attached to (NixOS {@code virtualisation.vlans}).
     *
     * @param name    host name (lowercase letters, digits, dashes, as a machine name)
     * @param vlans   LAN numbers, 1..{@value #MAX_LAN}; may be empty (no network)
     * @param aliases further names the other hosts resolve to this host ({@code hostspec.lab.aliases}, e.g.
     *                {@code app.home.lab}); each a DNS name
     */
    public record Member(String name, SortedSet<Integer> vlans, List<String> aliases) {

        /** A member without aliases. */
        public Member(String name, SortedSet<Integer> vlans) {
            this(name, vlans, List.of());
        }

        /** Validates and copies. */
        public Member {
            aliases = List.copyOf(Objects.requireNonNull(aliases, "aliases of " + name));
            for (String alias : aliases) {
                if (!ALIAS.matcher(alias).matches()) {
                    throw new IllegalArgumentException("host " + name + ": alias '" + alias
                            + "' is not a DNS name (letters, digits, dashes, dots)");
                }
            }
            Objects.requireNonNull(name, "name");
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("host name '" + name
                        + "' must be 1-32 lowercase letters, digits or dashes, not starting or ending with a dash");
            }
            vlans = Collections.unmodifiableSortedSet(new TreeSet<>(Objects.requireNonNull(vlans, "vlans of " + name)));
            for (int lan : vlans) {
                if (lan < 1 || lan > MAX_LAN) {
                    throw new IllegalArgumentException("host " + name + ": LAN number must be 1.." + MAX_LAN
                            + ", got " + lan);
                }
            }
        }

        /**
         * A host on LAN 1 only (the NixOS default).
         *
         * @param name host name
         * @return the member
         */
        public static Member of(String name) {
            return new Member(name, new TreeSet<>(Set.of(1)));
        }

        /**
         * A host on the given LANs.
         *
         * @param name  host name
         * @param vlans LAN numbers
         * @return the member
         */
        public static Member of(String name, Integer... vlans) {
            return new Member(name, new TreeSet<>(List.of(vlans)));
        }
    }

    /**
     * One network interface of a guest.
     *
     * @param lan          the LAN number
     * @param position     index among the host's NICs (0 = the first NIC QEMU is given)
     * @param mac          MAC address, lowercase {@code 52:54:00:LL:hh:hh}
     * @param address      IPv4 address without prefix
     * @param prefixLength prefix length of the LAN
     */
    public record Nic(int lan, int position, String mac, String address, int prefixLength) {

        /** Rejects nulls. */
        public Nic {
            Objects.requireNonNull(mac, "mac");
            Objects.requireNonNull(address, "address");
        }

        /** @return the address with its prefix, e.g. {@code 198.18.1.10/24} */
        public String cidr() {
            return address + "/" + prefixLength;
        }
    }

    /**
     * The network of one host.
     *
     * @param name       host name
     * @param nics       its NICs in ascending LAN order
     * @param hostsLines its {@code /etc/hosts} lines ({@code ADDRESS NAME}), without the surrounding block markers
     */
    public record HostNetwork(String name, List<Nic> nics, List<String> hostsLines) {

        /** Copies the lists. */
        public HostNetwork {
            Objects.requireNonNull(name, "name");
            nics = List.copyOf(nics);
            hostsLines = List.copyOf(hostsLines);
        }

        /**
         * @param lan a LAN number
         * @return the NIC on that LAN, if the host is attached to it
         */
        public Optional<Nic> nic(int lan) {
            return nics.stream().filter(n -> n.lan() == lan).findFirst();
        }
    }

    /**
     * Computes the plan of a scenario.
     *
     * @param members the hosts in scenario order (the order decides the addresses)
     * @return the plan
     * @throws IllegalArgumentException on duplicate names or more than {@value #MAX_HOSTS} hosts
     */
    public static NetworkPlan of(List<Member> members) {
        if (members.size() > MAX_HOSTS) {
            throw new IllegalArgumentException("at most " + MAX_HOSTS + " hosts fit a /24 LAN from ." + FIRST_HOST
                    + ", got " + members.size());
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        for (Member m : members) {
            if (index.putIfAbsent(m.name(), index.size()) != null) {
                throw new IllegalArgumentException("host '" + m.name() + "' is listed twice in the network plan");
            }
        }
        Map<String, Map<Integer, String>> macs = macs(members);
        List<HostNetwork> hosts = new ArrayList<>();
        for (Member m : members) {
            List<Nic> nics = new ArrayList<>();
            for (int lan : m.vlans()) {
                nics.add(new Nic(lan, nics.size(), macs.get(m.name()).get(lan), address(lan, index.get(m.name())),
                        PREFIX_LENGTH));
            }
            List<String> lines = new ArrayList<>();
            for (Member other : members) {
                firstShared(m, other).ifPresent(lan ->
                        lines.add(address(lan, index.get(other.name())) + " " + other.name()
                                + other.aliases().stream().map(a -> " " + a).reduce("", String::concat)));
            }
            hosts.add(new HostNetwork(m.name(), nics, lines));
        }
        return new NetworkPlan(hosts);
    }

    /**
     * @param name a host name
     * @return that host's network
     * @throws IllegalArgumentException naming the planned hosts when there is none of that name
     */
    public HostNetwork host(String name) {
        return hosts.stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("no host named '" + name + "' in the network plan; planned hosts: "
                        + (hosts.isEmpty() ? "(none)" : String.join(", ", hosts.stream().map(HostNetwork::name).toList()))));
    }

    /** @return every LAN number some host is attached to, ascending */
    public SortedSet<Integer> lans() {
        TreeSet<Integer> lans = new TreeSet<>();
        hosts.forEach(h -> h.nics().forEach(n -> lans.add(n.lan())));
        return Collections.unmodifiableSortedSet(lans);
    }

    /**
     * The address a client uses for a target: the target's address on the first LAN both are attached to (what the
     * client's {@code /etc/hosts} says).
     *
     * @param client the host connecting
     * @param target the host connected to
     * @return the target's address as seen from the client, empty when they share no LAN
     */
    public Optional<String> addressFor(String client, String target) {
        HostNetwork from = host(client);
        HostNetwork to = host(target);
        for (Nic nic : from.nics()) {
            Optional<Nic> there = to.nic(nic.lan());
            if (there.isPresent()) {
                return Optional.of(there.get().address());
            }
        }
        return Optional.empty();
    }

    private static Optional<Integer> firstShared(Member a, Member b) {
        return a.vlans().stream().filter(b.vlans()::contains).findFirst();
    }

    private static String address(int lan, int index) {
        return "198.18." + lan + "." + (FIRST_HOST + index);
    }

    // Hosts in name order, so a collision is resolved the same way whatever the order of the scenario's list.
    private static Map<String, Map<Integer, String>> macs(List<Member> members) {
        List<Member> byName = new ArrayList<>(members);
        byName.sort((x, y) -> x.name().compareTo(y.name()));
        Map<Integer, Set<Integer>> taken = new HashMap<>();
        Map<String, Map<Integer, String>> result = new HashMap<>();
        for (Member m : byName) {
            int suffix = hash16(m.name());
            Map<Integer, String> mine = new HashMap<>();
            for (int lan : m.vlans()) {
                Set<Integer> used = taken.computeIfAbsent(lan, k -> new HashSet<>());
                int s = suffix;
                while (!used.add(s)) {
                    s = (s + 1) & 0xFFFF;
                }
                mine.put(lan, String.format("52:54:00:%02x:%02x:%02x", lan, s >> 8, s & 0xFF));
            }
            result.put(m.name(), mine);
        }
        return result;
    }

    static int hash16(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return ((digest[0] & 0xFF) << 8) | (digest[1] & 0xFF);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }
}
