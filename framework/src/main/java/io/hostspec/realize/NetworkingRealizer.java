package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.util.List;
import java.util.Map;

/** {@code networking.{hostName, domain, hosts}}: /etc/hostname and /etc/hosts, as in NixOS. */
final class NetworkingRealizer implements Realizer {

    @Override
    public List<OptionDecl> options() {
        return new Declarations("networking")
                .add("networking.hostName", Types.str(), "nixos", "The name of the machine.")
                .add("networking.domain", Types.nullOr(Types.str()), null, "The domain; the FQDN is hostName.domain.")
                .add("networking.hosts", Types.attrsOf(Types.listOf(Types.str())), Map.of(),
                        "Entries of /etc/hosts: an IP address and the names it resolves from.")
                .add(LabOnline.ALIASES, Types.listOf(Types.str()), List.of(),
                        "Further names every host of the scenario resolves to this host, e.g. \"app.home.lab\" "
                                + "(hostspec; the lab's /etc/hosts block).")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        String host = config.str("networking.hostName");
        String domain = config.str("networking.domain");
        recipe.hostName(host, "networking.hostName");
        recipe.file("/etc/hostname", host + "\n", "networking.hostName");
        StringBuilder hosts = new StringBuilder()
                .append("127.0.0.1 localhost\n")
                .append("::1 localhost ip6-localhost ip6-loopback\n")
                .append("ff02::1 ip6-allnodes\n")
                .append("ff02::2 ip6-allrouters\n")
                .append("127.0.1.1 ").append(domain == null ? host : host + "." + domain + " " + host).append('\n');
        @SuppressWarnings("unchecked")
        Map<String, List<String>> extra = (Map<String, List<String>>) config.get("networking.hosts");
        extra.forEach((ip, names) -> {
            if (!names.isEmpty()) {
                hosts.append(ip).append(' ').append(String.join(" ", names)).append('\n');
            }
        });
        recipe.file("/etc/hosts", hosts.toString(), "networking.hostName", "networking.domain", "networking.hosts");
    }
}
