package io.hostspec.cli;

import io.hostspec.host.Project;
import io.hostspec.machine.Backend;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code ./hostspec matrix [--by shard|host|host,shard] [--tags EXPR] [--shards N]}: the CI matrix as JSON, for a
 * matrix strategy: {@code {"include":[{...}, ...]}}. Each entry has {@code scenarios} (how many), {@code hosts} (every
 * host those scenarios declare: the images the job needs), {@code tags}, {@code estimateSeconds} (recorded durations
 * of its scenarios, an unrecorded one counting as the mean recorded one; null when nothing was recorded) and
 * {@code unrecorded}; by shard it has {@code shard} ({@code run --shard}), by host {@code host} ({@code run --host},
 * the rule is {@link HostJobs}'), by host and shard both. Shards are computed exactly as {@code run} computes them,
 * balanced by {@code --durations} (default: reports/out/summary.json when it exists). Empty entries are left out.
 */
@Command(name = "matrix", description = "Prints the CI matrix (by shard, by host, or by host and shard) as JSON.")
final class MatrixCommand implements Callable<Integer> {

    @Option(names = "--by", paramLabel = "KIND", description = "shard (default), host, or host,shard.")
    String by = "shard";

    @Option(names = "--tags", paramLabel = "EXPR", description = "Cucumber tag expression.")
    String tags;

    @Option(names = "--shards", paramLabel = "N", description = "How many shards (per host with --by host,shard; "
            + "default: 1).")
    int shards = 1;

    @Option(names = "--durations", paramLabel = "FILE", description = "A previous run's summary.json to balance and "
            + "estimate by.")
    Path durations;

    @Option(names = "--backends", paramLabel = "LIST", split = ",", description = "Also by backend: vm, container "
            + "or vm,container; each entry gets `backend` (run --backend), container entries leave out @vm-only and "
            + "@eval scenarios (their `tags` say so).")
    List<String> backends;

    @Mixin
    ProjectOptions projectOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Set<String> kinds = Arrays.stream(by.split(",")).map(String::trim).collect(Collectors.toSet());
        boolean byHost = kinds.contains("host");
        if (!Set.of("shard", "host").containsAll(kinds) || kinds.isEmpty()) {
            throw new IllegalArgumentException("--by takes shard, host or host,shard; got `" + by + "'");
        }
        if (shards < 1) {
            throw new IllegalArgumentException("--shards takes N >= 1; got " + shards);
        }
        if (byHost && !kinds.contains("shard") && shards > 1) {
            throw new IllegalArgumentException("--shards " + shards + " needs --by host,shard (or --by shard)");
        }
        Project project = projectOptions.project();
        List<Backend> legs = backends == null ? List.of() : backends.stream().map(Backend::of).distinct().toList();
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false).build());
        Map<String, Long> byKey = Shards.durations(durations != null ? durations
                : project.root().resolve("reports/out/summary.json"), project.root());
        List<Map<String, Object>> include = new ArrayList<>();
        if (legs.isEmpty()) {
            include.addAll(entries(launcher, project, tags, byKey, kinds));
        }
        for (Backend leg : legs) {
            String legTags = tagsOf(tags, leg);
            for (Map<String, Object> entry : entries(launcher, project, legTags, byKey, kinds)) {
                entry.put("backend", leg.word());
                include.add(entry);
            }
        }
        spec.commandLine().getOut().println(Json.write(Map.of("include", include)));
        return 0;
    }

    /**
     * The tag expression of a backend's entries: a container leg leaves out what only a VM can run ({@code @vm-only})
     * and what boots nothing ({@code @eval}, run once in the VM leg).
     */
    static String tagsOf(String tags, Backend backend) {
        if (backend != Backend.CONTAINER) {
            return tags;
        }
        String leaveOut = "not @vm-only and not @eval";
        return tags == null || tags.isBlank() ? leaveOut : "(" + tags + ") and " + leaveOut;
    }

    private List<Map<String, Object>> entries(Launcher launcher, Project project, String tagExpression,
                                              Map<String, Long> byKey, Set<String> kinds) {
        Map<String, String> params = new LinkedHashMap<>();
        if (tagExpression != null) {
            params.put(Scenarios.TAGS_PARAMETER, tagExpression);
        }
        LauncherDiscoveryRequest all = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectDirectory(project.features().toFile()))
                .configurationParameters(params).build();
        List<Scenarios.Scenario> scenarios = Scenarios.discover(launcher, all);
        Map<String, Long> ms = new HashMap<>();
        scenarios.stream().filter(s -> byKey.containsKey(s.key())).forEach(s -> ms.put(s.id(), byKey.get(s.key())));
        Estimate estimate = new Estimate(ms);
        List<Map<String, Object>> include = new ArrayList<>();
        if (kinds.contains("host")) {
            for (HostJobs.Job job : HostJobs.byHost(scenarios).values()) {
                int n = kinds.contains("shard") ? shards : 1;
                for (int k = 1; k <= n; k++) {
                    List<Scenarios.Scenario> picked = pick(job.scenarios(), new Shards.Shard(k, n), ms);
                    Map<String, Object> entry = entry(picked, estimate, tagExpression);
                    entry.put("host", job.host());
                    if (kinds.contains("shard")) {
                        entry.put("shard", k + "/" + n);
                    }
                    if (!picked.isEmpty()) {
                        include.add(entry);
                    }
                }
            }
        } else {
            for (int k = 1; k <= shards; k++) {
                List<Scenarios.Scenario> picked = pick(scenarios, new Shards.Shard(k, shards), ms);
                Map<String, Object> entry = entry(picked, estimate, tagExpression);
                entry.put("shard", k + "/" + shards);
                if (!picked.isEmpty() || shards == 1) {
                    include.add(entry);
                }
            }
        }
        return include;
    }

    private static List<Scenarios.Scenario> pick(List<Scenarios.Scenario> from, Shards.Shard shard,
                                                Map<String, Long> ms) {
        Set<String> ids = new TreeSet<>(Shards.pick(from.stream().map(Scenarios.Scenario::id).toList(), shard, ms));
        return from.stream().filter(s -> ids.contains(s.id())).toList();
    }

    private static Map<String, Object> entry(List<Scenarios.Scenario> picked, Estimate estimate,
                                             String tagExpression) {
        TreeSet<String> hosts = new TreeSet<>();
        picked.forEach(s -> hosts.addAll(s.hosts()));
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("tags", tagExpression == null ? "" : tagExpression);
        entry.put("scenarios", picked.size());
        entry.put("hosts", List.copyOf(hosts));
        entry.put("estimateSeconds", estimate.seconds(picked));
        entry.put("unrecorded", picked.stream().filter(s -> !estimate.recorded().containsKey(s.id())).count());
        return entry;
    }

    /**
     * Time estimates from recorded durations.
     *
     * @param recorded milliseconds by scenario id, from a previous run
     */
    record Estimate(Map<String, Long> recorded) {

        /**
         * The recorded milliseconds of these scenarios, each unrecorded one counted as the mean recorded one, in whole
         * seconds rounded up; null when no scenario of the run has a recorded duration (there is nothing to go by).
         */
        Long seconds(List<Scenarios.Scenario> scenarios) {
            if (recorded.isEmpty()) {
                return null;
            }
            long mean = Math.round(recorded.values().stream().mapToLong(Long::longValue).average().orElse(0));
            long total = scenarios.stream().mapToLong(s -> recorded.getOrDefault(s.id(), mean)).sum();
            return (total + 999) / 1000;
        }
    }
}
