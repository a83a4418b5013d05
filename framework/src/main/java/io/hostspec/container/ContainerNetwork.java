package io.hostspec.container;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.Network;
import io.hostspec.machine.Closing;
import io.hostspec.machine.Timeouts;
import io.hostspec.net.NetworkException;
import io.hostspec.net.NetworkPlan;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The LANs of a scenario's container hosts: one internal Docker network per LAN of the {@link NetworkPlan} (no route
 * out, the LAN's 198.18.N.0/24 subnet), so a container gets the same address, name and neighbours a VM of the plan
 * gets. Only exec reaches the containers from the host; no port is published. The subnets are the plan's, so two
 * runs on one engine cannot hold the same LAN at once: a run waits (up to {@link Timeouts#boot()}) until the other
 * releases it. {@link #close()} removes the networks; close it after the containers on them.
 */
public final class ContainerNetwork implements AutoCloseable {

    /** Where a container attaches: the Docker network and its planned address there. */
    public record Endpoint(String network, String address) {
    }

    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final ContainerEngine engine;
    private final NetworkPlan plan;
    private final Map<Integer, String> networks = new LinkedHashMap<>();

    private ContainerNetwork(ContainerEngine engine, NetworkPlan plan) {
        this.engine = engine;
        this.plan = plan;
    }

    /**
     * Creates the Docker networks of every LAN of the plan.
     *
     * @param engine the engine
     * @param plan   the scenario's network
     * @return the network
     * @throws NetworkException when a network cannot be created (those created are removed)
     */
    public static ContainerNetwork start(ContainerEngine engine, NetworkPlan plan) {
        ContainerNetwork network = new ContainerNetwork(engine, plan);
        String prefix = "hostspec-" + ProcessHandle.current().pid() + "-" + SEQUENCE.incrementAndGet() + "-lan";
        try {
            for (int lan : plan.lans()) {
                network.networks.put(lan, network.create(prefix + lan, lan));
            }
        } catch (RuntimeException e) {
            try {
                network.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        return network;
    }

    private String create(String name, int lan) {
        String subnet = "198.18." + lan + ".0/" + NetworkPlan.PREFIX_LENGTH;
        String[] lastError = {""};
        try {
            return Awaitility.await("Docker subnet " + subnet + " free for " + name)
                    .atMost(Timeouts.boot())
                    .pollInterval(java.time.Duration.ofSeconds(1))
                    .pollInSameThread()
                    .until(() -> tryCreate(name, subnet, lan, lastError), id -> id != null);
        } catch (ConditionTimeoutException e) {
            throw new NetworkException("cannot create the Docker network " + name + " for LAN " + lan + " ("
                    + subnet + ") within " + Timeouts.boot() + ": " + lastError[0]
                    + (lastError[0].contains("overlap") ? "; another run holds this LAN: " + holders(subnet) : ""), e);
        }
    }

    private String tryCreate(String name, String subnet, int lan, String[] lastError) {
        try {
            return engine.client().createNetworkCmd().withName(name).withDriver("bridge").withInternal(true)
                    .withCheckDuplicate(true).withLabels(engine.labels())
                    .withIpam(new Network.Ipam().withConfig(new Network.Ipam.Config().withSubnet(subnet)
                            .withGateway("198.18." + lan + ".1")))
                    .exec().getId();
        } catch (DockerException e) {
            lastError[0] = e.getMessage();
            if (e.getMessage() != null && e.getMessage().contains("overlap")) {
                return null; // another run's LAN; wait for it
            }
            throw new NetworkException("cannot create the Docker network " + name + " (" + subnet + "): "
                    + e.getMessage(), e);
        }
    }

    private String holders(String subnet) {
        List<String> names = new ArrayList<>();
        for (Network n : engine.client().listNetworksCmd().exec()) {
            if (n.getIpam() != null && n.getIpam().getConfig() != null && n.getIpam().getConfig().stream()
                    .anyMatch(c -> subnet.equals(c.getSubnet()))) {
                names.add(n.getName());
            }
        }
        return String.join(", ", names);
    }

    /** @return the plan */
    public NetworkPlan plan() {
        return plan;
    }

    /**
     * @param host a host of the plan
     * @return where its container attaches, one endpoint per LAN, in the plan's order
     */
    public List<Endpoint> endpoints(String host) {
        List<Endpoint> out = new ArrayList<>();
        for (NetworkPlan.Nic nic : plan.host(host).nics()) {
            out.add(new Endpoint(networks.get(nic.lan()), nic.address()));
        }
        return List.copyOf(out);
    }

    /**
     * @param host a host of the plan
     * @return its {@code /etc/hosts} entries as Docker extra hosts ({@code NAME:ADDRESS}, one per name)
     */
    public List<String> extraHosts(String host) {
        return entries(plan.host(host).hostsLines());
    }

    /**
     * @param host         a host of the plan
     * @param ownEtcHosts  the host image's own {@code /etc/hosts}; null means none
     * @return the plan's entries for the host, then those of {@link #ownEntries(String)}
     */
    public List<String> extraHosts(String host, String ownEtcHosts) {
        List<String> out = new ArrayList<>(extraHosts(host));
        out.addAll(ownEntries(ownEtcHosts));
        return List.copyOf(out);
    }

    /**
     * The entries a host's own {@code /etc/hosts} adds (its {@code networking.hosts}, its FQDN), as Docker extra hosts.
     * Docker bind-mounts an {@code /etc/hosts} of its own over the image's, so without them a name the host gives
     * itself (a homelab app's {@code wiki.home.lab} on 127.0.0.1) would resolve on a VM and not in a container.
     * Docker writes localhost and the IPv6 names itself; those lines are left out.
     *
     * @param etcHosts the image's {@code /etc/hosts}, as the recipe writes it; null means none
     * @return {@code NAME:ADDRESS} entries, one per name, in file order
     */
    public static List<String> ownEntries(String etcHosts) {
        return etcHosts == null ? List.of() : entries(etcHosts.lines().toList());
    }

    // /etc/hosts lines as Docker extra hosts, one NAME:ADDRESS per name. Comments, blank lines, IPv6 lines (Docker
    // writes its ::1 and ff02:: lines itself) and localhost are left out.
    private static List<String> entries(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            String[] words = line.replaceFirst("#.*", "").strip().split("\\s+");
            if (words.length < 2 || words[0].contains(":")) {
                continue;
            }
            for (int i = 1; i < words.length; i++) {
                if (!words[i].equals("localhost")) {
                    out.add(words[i] + ":" + words[0]);
                }
            }
        }
        return List.copyOf(out);
    }

    /** Removes the networks in reverse order; a failing removal does not stop the others. Idempotent. */
    @Override
    public void close() {
        List<Runnable> actions = new ArrayList<>();
        List<String> ids = new ArrayList<>(networks.values());
        networks.clear();
        ids.forEach(id -> actions.add(0, () -> {
            if (!engine.removeNetwork(id)) {
                throw new NetworkException("cannot remove the Docker network " + id, null);
            }
        }));
        Closing.all(actions);
    }
}
