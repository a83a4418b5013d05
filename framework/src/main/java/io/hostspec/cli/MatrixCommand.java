package io.hostspec.cli;

import io.hostspec.host.Project;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./hostspec matrix [--tags EXPR] [--shards N]}: the CI matrix as JSON, for a matrix strategy:
 * {@code {"include":[{"shard":"1/2","tags":EXPR,"scenarios":N,"hosts":[...]}, ...]}}, one entry per shard, with the
 * hosts its scenarios' feature files declare. Shards are computed exactly as {@code run --shard} computes them,
 * balanced by {@code --durations} (default: reports/out/summary.json when it exists).
 */
@Command(name = "matrix", description = "Prints the CI matrix (shards x hosts) as JSON.")
final class MatrixCommand implements Callable<Integer> {

    private static final Pattern HOST = Pattern.compile("(?:a host|the host) \"([^\"]+)\"");

    @Option(names = "--tags", paramLabel = "EXPR", description = "Cucumber tag expression.")
    String tags;

    @Option(names = "--shards", paramLabel = "N", description = "How many shards (default: 1).")
    int shards = 1;

    @Option(names = "--durations", paramLabel = "FILE", description = "A previous run's summary.json to balance by.")
    Path durations;

    @Mixin
    ProjectOptions projectOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (shards < 1) {
            throw new IllegalArgumentException("--shards takes N >= 1; got " + shards);
        }
        Project project = projectOptions.project();
        Map<String, String> params = new LinkedHashMap<>();
        if (tags != null) {
            params.put("cucumber.filter.tags", tags);
        }
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false).build());
        LauncherDiscoveryRequest all = LauncherDiscoveryRequestBuilder.request()
                .selectors(DiscoverySelectors.selectDirectory(project.features().toFile()))
                .configurationParameters(params).build();
        List<TestIdentifier> tests = Shards.scenarios(launcher, all);
        Map<String, Long> byKey = Shards.durations(durations != null ? durations
                : project.root().resolve("reports/out/summary.json"), project.root());
        List<String> ids = new ArrayList<>();
        Map<String, Long> ms = new HashMap<>();
        Map<String, String> fileOf = new HashMap<>();
        for (TestIdentifier t : tests) {
            ids.add(t.getUniqueId());
            String key = Shards.scenarioKey(t);
            if (byKey.containsKey(key)) {
                ms.put(t.getUniqueId(), byKey.get(key));
            }
            fileOf.put(t.getUniqueId(), key.contains(":") ? key.substring(0, key.lastIndexOf(':')) : key);
        }
        List<Map<String, Object>> include = new ArrayList<>();
        for (int k = 1; k <= shards; k++) {
            List<String> picked = Shards.pick(ids, new Shards.Shard(k, shards), ms);
            TreeSet<String> hosts = new TreeSet<>();
            picked.stream().map(fileOf::get).distinct().forEach(f -> hosts.addAll(hostsIn(Path.of(f))));
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("shard", k + "/" + shards);
            entry.put("tags", tags == null ? "" : tags);
            entry.put("scenarios", picked.size());
            entry.put("hosts", List.copyOf(hosts));
            include.add(entry);
        }
        spec.commandLine().getOut().println(Json.write(Map.of("include", include)));
        return 0;
    }

    /** The host names a feature file declares (a whole-file scan: Background hosts count for every scenario). */
    static List<String> hostsIn(Path feature) {
        if (!Files.isRegularFile(feature)) {
            return List.of();
        }
        try {
            Matcher m = HOST.matcher(Files.readString(feature));
            List<String> out = new ArrayList<>();
            while (m.find()) {
                if (!m.group(1).contains("<")) {   // a Scenario Outline placeholder is not a host
                    out.add(m.group(1));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
