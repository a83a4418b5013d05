package io.hostspec.cli;

import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Deterministic sharding. Without recorded durations, the scenarios of a run, sorted by their unique id, are dealt
 * round-robin into N shards (sizes differ by at most one). With durations of a previous run, scenarios are assigned
 * longest first to the shard with the least total time so far (ties: lowest shard), scenarios without a recorded
 * duration counting as the mean of the known ones. Either way every scenario lands in exactly one shard, and the split
 * depends only on the ids and durations, not on discovery order.
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

    /**
     * The ids of shard k, balancing recorded durations; round-robin when none is known.
     *
     * @param ids       every scenario's id
     * @param shard     which shard
     * @param durations milliseconds by id, from a previous run (may miss some ids)
     */
    static List<String> pick(List<String> ids, Shard shard, java.util.Map<String, Long> durations) {
        List<String> sorted = new ArrayList<>(new java.util.TreeSet<>(ids));
        List<Long> known = sorted.stream().filter(durations::containsKey).map(durations::get).toList();
        if (known.isEmpty()) {
            return pick(ids, shard);
        }
        long mean = Math.max(1, (long) known.stream().mapToLong(Long::longValue).average().orElse(1));
        sorted.sort(Comparator.comparing((String id) -> -durations.getOrDefault(id, mean))
                .thenComparing(Comparator.naturalOrder()));
        long[] load = new long[shard.count()];
        List<String> out = new ArrayList<>();
        for (String id : sorted) {
            int least = 0;
            for (int i = 1; i < load.length; i++) {
                if (load[i] < load[least]) {
                    least = i;
                }
            }
            load[least] += Math.max(1, durations.getOrDefault(id, mean));
            if (least == shard.index() - 1) {
                out.add(id);
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /**
     * Scenario durations of a previous run's {@code summary.json}, keyed like {@link Scenarios#key}: the feature file
     * (absolute) and the scenario's line; skipped scenarios have none. Empty when the file does not exist or cannot
     * be read.
     */
    static java.util.Map<String, Long> durations(java.nio.file.Path summary, java.nio.file.Path root) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        if (summary == null || !java.nio.file.Files.isRegularFile(summary)) {
            return out;
        }
        try {
            for (var s : io.hostspec.report.RunSummary.read(summary)) {
                if ("skipped".equals(s.status())) {
                    continue;   // a skipped scenario's 0 ms says nothing about how long it runs
                }
                java.nio.file.Path file = root.resolve(s.uri()).toAbsolutePath().normalize();
                out.put(file + ":" + s.line(), s.durationMs());
            }
        } catch (IllegalArgumentException e) {
            return java.util.Map.of();
        }
        return out;
    }

    /** A request for the scenarios of one shard of everything {@code all} selects, with the same parameters. */
    static LauncherDiscoveryRequest select(Launcher launcher, LauncherDiscoveryRequest all,
                                           java.util.Map<String, String> params, Shard shard,
                                           java.util.Map<String, Long> durationsByKey) {
        List<String> ids = new ArrayList<>();
        java.util.Map<String, Long> durations = new java.util.HashMap<>();
        for (Scenarios.Scenario s : Scenarios.discover(launcher, all)) {
            ids.add(s.id());
            Long ms = durationsByKey.get(s.key());
            if (ms != null) {
                durations.put(s.id(), ms);
            }
        }
        return LauncherDiscoveryRequestBuilder.request()
                .selectors(pick(ids, shard, durations).stream().map(DiscoverySelectors::selectUniqueId).toList())
                .configurationParameters(params)
                .build();
    }
}
