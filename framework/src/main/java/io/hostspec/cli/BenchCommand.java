package io.hostspec.cli;

import io.hostspec.host.EvaluatedHost;
import io.hostspec.host.Hosts;
import io.hostspec.image.BuiltImage;
import io.hostspec.image.HostTools;
import io.hostspec.image.ImageBuilder;
import io.hostspec.machine.Lab;
import io.hostspec.machine.Machine;
import io.hostspec.machine.MachineSpec;
import io.hostspec.machine.SnapshotCache;
import io.hostspec.machine.Timeouts;
import io.hostspec.realize.Recipe;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ./hostspec bench [--json]}: measures, in one run on this machine, a host's cold boot against its warm start,
 * N hosts warm-started together against one, an image cache hit and a command round trip through the guest agent.
 * The method is described in docs/performance.md.
 */
@Command(name = "bench", description = "Measures cold boot vs warm start, parallel starts, cache hits and "
        + "command round trips on this machine.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = "--json", description = "Print the figures as one JSON object.")
    boolean json;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "xoa",
            description = "The host to boot (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--samples", defaultValue = "3", description = "Samples of each start kind (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--parallel", defaultValue = "4", description = "Hosts started together (default: ${DEFAULT-VALUE}).")
    int parallel;

    @Mixin
    ProjectOptions projectOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (samples < 1 || parallel < 1) {
            throw new IllegalArgumentException("--samples and --parallel must be at least 1");
        }
        PrintWriter err = spec.commandLine().getErr();
        Hosts hosts = new Hosts(projectOptions.project());
        EvaluatedHost evaluated = hosts.evaluate(hosts.resolve(host));
        HostTools.ensureVmBackend();
        Recipe recipe = evaluated.recipe();
        ImageBuilder builder = ImageBuilder.create();
        BuiltImage image = builder.build(recipe); // builds on a miss; not measured
        long t = System.nanoTime();
        builder.build(recipe);
        double cacheHit = seconds(t);
        MachineSpec machine = MachineSpec.of(evaluated.spec().name().replaceAll("[^a-z0-9-]", "-"), image)
                .withMemoryMiB(recipe.hardware().memoryMiB()).withCores(recipe.hardware().cores());

        String previous = System.getProperty(SnapshotCache.PROPERTY);
        try {
            System.setProperty(SnapshotCache.PROPERTY, "false");
            List<Double> cold = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                cold.add(startOnce(machine));
                progress(err, "cold boot", i, cold);
            }
            System.setProperty(SnapshotCache.PROPERTY, "true");
            double prime = startOnce(machine); // takes the snapshot if there is none; not counted
            err.printf("[bench] first warm start (snapshot taken if missing): %.2f s%n", prime);
            List<Double> warm = new ArrayList<>();
            double roundTrip = 0;
            for (int i = 0; i < samples; i++) {
                try (Lab lab = Lab.create()) {
                    Machine m = lab.add(machine);
                    long t0 = System.nanoTime();
                    m.start();
                    m.waitUntilReady(Timeouts.boot());
                    warm.add(seconds(t0));
                    if (i == 0) {
                        roundTrip = commandRoundTripMs(m);
                    }
                }
                progress(err, "warm start", i, warm);
            }
            double wall;
            try (Lab lab = Lab.create()) {
                for (int i = 1; i <= parallel; i++) {
                    lab.add(machine.withName(machine.name() + "-" + i));
                }
                long t0 = System.nanoTime();
                lab.startAll();
                wall = seconds(t0);
            }
            err.printf("[bench] %d warm starts together: %.2f s wall-clock%n", parallel, wall);
            double coldMedian = median(cold);
            double warmMedian = median(warm);
            // speedup = N * t_single / t_wall(N together); efficiency = speedup / N
            double efficiency = (parallel * warmMedian / wall) / parallel;
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("coldBootSeconds", round(coldMedian, 2));
            figures.put("warmStartSeconds", round(warmMedian, 2));
            figures.put("warmVsCold", round(coldMedian / warmMedian, 1));
            figures.put("parallelHosts", parallel);
            figures.put("parallelEfficiency", round(efficiency, 2));
            figures.put("cacheHitSeconds", round(cacheHit, 3));
            figures.put("commandRoundTripMs", round(roundTrip, 1));
            var container = io.hostspec.container.ContainerStarts.medianSeconds(machine.name(), image, samples);
            figures.put("containerStartSeconds", container.isPresent() ? round(container.getAsDouble(), 2) : "null");
            print(figures);
            return 0;
        } finally {
            if (previous == null) {
                System.clearProperty(SnapshotCache.PROPERTY);
            } else {
                System.setProperty(SnapshotCache.PROPERTY, previous);
            }
        }
    }

    private static double startOnce(MachineSpec machine) {
        try (Lab lab = Lab.create()) {
            Machine m = lab.add(machine);
            long t0 = System.nanoTime();
            m.start();
            m.waitUntilReady(Timeouts.boot());
            return seconds(t0);
        }
    }

    private static double commandRoundTripMs(Machine m) {
        m.succeed("true"); // warm-up
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            m.succeed("true");
            times.add((System.nanoTime() - t0) / 1e6);
        }
        return median(times);
    }

    private void print(Map<String, Object> figures) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            List<String> members = new ArrayList<>();
            figures.forEach((k, v) -> members.add("\"" + k + "\": " + v));
            out.println("{" + String.join(", ", members) + "}");
        } else {
            figures.forEach((k, v) -> out.printf("%-20s %s%n", k, v));
        }
        out.flush();
    }

    private static void progress(PrintWriter err, String what, int i, List<Double> values) {
        err.printf("[bench] %s %d: %.2f s%n", what, i + 1, values.get(values.size() - 1));
        err.flush();
    }

    static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String round(double value, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }
}
