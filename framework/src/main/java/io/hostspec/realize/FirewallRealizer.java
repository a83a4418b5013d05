package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * {@code networking.firewall.*}: an nftables ruleset that drops input except loopback, established connections,
 * ICMP and the allowed ports (those of the options plus every port other realizers opened), installed as
 * /etc/nftables.conf and loaded by nftables.service. Runs last.
 */
final class FirewallRealizer implements Realizer {

    private static final String P = "networking.firewall.";

    @Override
    public List<OptionDecl> options() {
        return new Declarations("networking.firewall")
                .add(P + "enable", Types.bool(), true, "Whether to enable the firewall (default-deny input).")
                .add(P + "allowedTCPPorts", Types.listOf(Types.port()), List.of(),
                        "TCP ports on which incoming connections are accepted.")
                .add(P + "allowedUDPPorts", Types.listOf(Types.port()), List.of(),
                        "UDP ports on which incoming packets are accepted.")
                .add(P + "extraInputRules", Types.lines(), "",
                        "Additional nftables rules appended to the input chain.")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        for (String proto : List.of("tcp", "udp")) {
            String option = P + "allowed" + proto.toUpperCase() + "Ports";
            @SuppressWarnings("unchecked")
            List<Long> ports = (List<Long>) config.get(option);
            for (Long p : ports) {
                recipe.port(proto, p, option);
            }
        }
        boolean enable = config.bool(P + "enable");
        List<String> from = new ArrayList<>(List.of(P + "enable"));
        String ruleset;
        if (enable) {
            from.addAll(List.of(P + "allowedTCPPorts", P + "allowedUDPPorts", P + "extraInputRules"));
            for (String proto : List.of("tcp", "udp")) {
                for (Integer p : recipe.openPorts(proto)) {
                    from.addAll(recipe.producedBy("port:" + proto + "/" + p));
                }
            }
            ruleset = ruleset(recipe.openPorts("tcp"), recipe.openPorts("udp"), config.str(P + "extraInputRules"));
        } else {
            ruleset = """
                    flush ruleset

                    table inet filter {
                      chain input {
                        type filter hook input priority 0; policy accept;
                      }
                      chain forward {
                        type filter hook forward priority 0; policy accept;
                      }
                      chain output {
                        type filter hook output priority 0; policy accept;
                      }
                    }
                    """;
        }
        String[] fromArray = new TreeSet<>(from).toArray(String[]::new);
        recipe.nftables(ruleset, fromArray);
        // Debian's nftables.service loads /etc/nftables.conf (the image builder installs the ruleset there).
        recipe.unit("nftables.service", null, List.of("sysinit.target"), true, fromArray);
    }

    /** The enabled ruleset; port sets are sorted so that the same ports always give the same text. */
    static String ruleset(SortedSet<Integer> tcp, SortedSet<Integer> udp, String extraInputRules) {
        StringBuilder b = new StringBuilder()
                .append("flush ruleset\n\n")
                .append("table inet filter {\n")
                .append("  chain input {\n")
                .append("    type filter hook input priority 0; policy drop;\n")
                .append("    iif lo accept\n")
                .append("    ct state established,related accept\n")
                .append("    ct state invalid drop\n")
                .append("    ip protocol icmp accept\n")
                .append("    ip6 nexthdr icmpv6 accept\n"); // a keyword: protocol names need /etc/protocols, absent at early boot
        if (!tcp.isEmpty()) {
            b.append("    tcp dport { ").append(join(tcp)).append(" } accept\n");
        }
        if (!udp.isEmpty()) {
            b.append("    udp dport { ").append(join(udp)).append(" } accept\n");
        }
        for (String line : extraInputRules.split("\n")) {
            if (!line.isBlank()) {
                b.append("    ").append(line.strip()).append('\n');
            }
        }
        return b.append("  }\n")
                .append("  chain forward {\n")
                .append("    type filter hook forward priority 0; policy drop;\n")
                .append("  }\n")
                .append("  chain output {\n")
                .append("    type filter hook output priority 0; policy accept;\n")
                .append("  }\n")
                .append("}\n").toString();
    }

    private static String join(SortedSet<Integer> ports) {
        return ports.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }
}
