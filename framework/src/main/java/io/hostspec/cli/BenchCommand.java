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
 * {@code ./hostspec bench [--json]}: measures, in one run on this machine, a first image from an empty cache and the
 * next one on its common base, a host's cold boot against its warm start, N hosts warm-started together against one,
 * an image cache hit and a command round trip through the guest agent. The method is described in
 * docs/performance.md.
 */
@Command(name = "bench", description = "Measures image builds, cold boot vs warm start, parallel starts, cache hits "
        + "and command round trips on this machine.")
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

    @Option(names = "--no-images", description = "Skip the first and next image builds (minutes from an empty cache).")
    boolean noImages;

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
        // ./hostspec eval of the example .nix host as a user runs it: a new JVM each time (docs/performance.md)
        var evalNix = EvalTiming.measure(projectOptions.project().root(), "hosts/xoa.nix", 5);
        evalNix.ifPresent(e -> err.printf("[bench] ./hostspec eval hosts/xoa.nix: %.2f s (%.2f s CPU), median of %d; "
                + "load average %s%n", e.wallSeconds(), e.cpuSeconds(), e.samples(), loadAverage()));
        HostTools.ensureVmBackend();
        Recipe recipe = evaluated.recipe();
        ImageBuilder builder = ImageBuilder.create();
        BenchImages images = null;
        if (!noImages) {
            images = BenchImages.measure(recipe, builder.cache().root().resolve("tmp"));
            err.printf("[bench] first image (common base from an empty cache): %.1f s; next image (%s more): %.1f s%n",
                    images.firstSeconds(), String.join(", ", BenchImages.NEXT_PACKAGES), images.nextSeconds());
            err.flush();
        }
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
            List<Double> coldCpu = new ArrayList<>();
            List<Double> coldGuest = new ArrayList<>();
            for (int i = 0; i < samples; i++) {
                ColdBoot boot = coldBoot(machine);
                cold.add(boot.seconds());
                coldCpu.add(boot.qemuCpuSeconds());
                boot.systemdSeconds().ifPresent(coldGuest::add);
                progress(err, "cold boot", i, cold);
                err.printf("[bench]   QEMU CPU until the agent answered: %.2f s; %s%n", boot.qemuCpuSeconds(),
                        boot.systemdAnalyze());
                err.flush();
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
            double speedup = parallel * warmMedian / wall;
            int cores = Runtime.getRuntime().availableProcessors();
            Map<String, Object> figures = new LinkedHashMap<>();
            if (images != null) {
                figures.put("firstImageSeconds", round(images.firstSeconds(), 1));
                figures.put("nextImageSeconds", round(images.nextSeconds(), 1));
            }
            figures.put("coldBootSeconds", round(coldMedian, 2));
            figures.put("coldBootCpuSeconds", round(median(coldCpu), 2));
            if (!coldGuest.isEmpty()) {
                figures.put("coldBootSystemdSeconds", round(median(coldGuest), 2));
            }
            figures.put("warmStartSeconds", round(warmMedian, 2));
            figures.put("warmVsCold", round(coldMedian / warmMedian, 1));
            figures.put("parallelHosts", parallel);
            figures.put("parallelEfficiency", round(speedup / parallel, 2));
            figures.put("cores", cores);
            figures.put("parallelEfficiencyVsCores", round(speedup / Math.min(parallel, cores), 2));
            figures.put("cacheHitSeconds", round(cacheHit, 3));
            figures.put("commandRoundTripMs", round(roundTrip, 1));
            figures.put("evalNixSeconds", evalNix.isPresent() ? round(evalNix.get().wallSeconds(), 2) : "null");
            figures.put("evalNixCpuSeconds", evalNix.isPresent() ? round(evalNix.get().cpuSeconds(), 2) : "null");
            figures.put("loadAverage", loadAverage());
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

    /**
     * One cold boot: wall-clock time until the agent answers, the CPU time QEMU used for it (less sensitive to other
     * load on the machine than the wall clock), and the guest's own {@code systemd-analyze} figure.
     */
    private record ColdBoot(double seconds, double qemuCpuSeconds, java.util.Optional<Double> systemdSeconds,
                            String systemdAnalyze) {
    }

    private static ColdBoot coldBoot(MachineSpec machine) {
        try (Lab lab = Lab.create()) {
            Machine m = lab.add(machine);
            long t0 = System.nanoTime();
            m.start();
            m.waitUntilReady(Timeouts.boot());
            double seconds = seconds(t0);
            double cpu = m.pid().stream().mapToDouble(BenchCommand::cpuSeconds).findFirst().orElse(Double.NaN);
            m.execute("systemctl is-system-running --wait", Timeouts.boot());
            String analyze = m.execute("systemd-analyze").stdout().lines().findFirst().orElse("").strip();
            return new ColdBoot(seconds, cpu, systemdTotal(analyze), analyze);
        }
    }

    /** The total of {@code systemd-analyze}'s first line ("Startup finished in ... = 12.345s"), in seconds. */
    static java.util.Optional<Double> systemdTotal(String line) {
        var m = java.util.regex.Pattern.compile("= (?:(\\d+)min )?(\\d+(?:\\.\\d+)?)(ms|s)\\s*$").matcher(line);
        if (!m.find()) {
            return java.util.Optional.empty();
        }
        double minutes = m.group(1) == null ? 0 : Double.parseDouble(m.group(1));
        double value = Double.parseDouble(m.group(2));
        return java.util.Optional.of(minutes * 60 + (m.group(3).equals("ms") ? value / 1000 : value));
    }

    /** User plus system CPU seconds of a running process, from /proc/PID/stat. */
    private static double cpuSeconds(long pid) {
        try {
            String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // fields 14 and 15 (utime, stime) of proc(5); f[0] is field 3
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (java.io.IOException | RuntimeException e) {
            return Double.NaN;
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

    /** The 1-minute load average of the machine, to read the timings against ("null" when unknown). */
    static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException | RuntimeException e) {
            return "null";
        }
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
