package io.hostspec.cli;

import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Deterministic sharding: the scenarios of a run, sorted by their unique id, dealt round-robin into N shards. Every
 * scenario lands in exactly one shard, and shard sizes differ by at most one.
 */
final class Shards {

    /**
     * A shard, 1-based.
     *
     * @param index which shard (1..count)
     * @param count how many shards
     */
    record Shard(int index, int count) {
    }

    private Shards() {
    }

    static Shard parse(String written) {
        String[] parts = written.split("/");
        try {
            int k = Integer.parseInt(parts[0].trim());
            int n = Integer.parseInt(parts[1].trim());
            if (parts.length == 2 && n >= 1 && k >= 1 && k <= n) {
                return new Shard(k, n);
            }
        } catch (RuntimeException e) {
            // fall through to the usage error
        }
        throw new IllegalArgumentException("--shard takes K/N with 1 <= K <= N, e.g. 1/4; got `" + written + "'");
    }

    /** The unique ids of shard k, in order, from a list of all scenario ids. */
    static List<String> pick(List<String> ids, Shard shard) {
        List<String> sorted = new ArrayList<>(ids);
        sorted.sort(Comparator.naturalOrder());
        List<String> out = new ArrayList<>();
        for (int i = 0; i < sorted.size(); i++) {
            if (i % shard.count() == shard.index() - 1) {
                out.add(sorted.get(i));
            }
        }
        return out;
    }

    /** A request for the scenarios of one shard of everything {@code all} selects, with the same parameters. */
    static LauncherDiscoveryRequest select(Launcher launcher, LauncherDiscoveryRequest all,
                                           java.util.Map<String, String> params, Shard shard) {
        TestPlan plan = launcher.discover(all);
        List<String> ids = new ArrayList<>();
        for (TestIdentifier root : plan.getRoots()) {
            plan.getDescendants(root).stream().filter(TestIdentifier::isTest)
                    .forEach(t -> ids.add(t.getUniqueId()));
        }
        return LauncherDiscoveryRequestBuilder.request()
                .selectors(pick(ids, shard).stream().map(DiscoverySelectors::selectUniqueId).toList())
                .configurationParameters(params)
                .build();
    }
}
