package io.hostspec.cli;

import io.hostspec.container.ContainerEngine;
import io.hostspec.machine.Backend;
import io.hostspec.host.Project;
import io.hostspec.image.HostTools;
import io.hostspec.report.AllureResults;
import io.hostspec.report.RunLog;
import io.hostspec.report.RunSummary;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherConfig;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * {@code ./hostspec run [PATH...]}: runs feature files through the JUnit Platform Launcher and the Cucumber engine,
 * the same engine {@code mvn verify} uses, and writes {@code <report-dir>/summary.json}. The console shows one line
 * per scenario, long work while it runs and failures in full ({@code ConsoleProgress}); the whole log goes to
 * {@code <report-dir>/hostspec.log}. Exit 0 iff every scenario passed.
 */
@Command(name = "run", description = "Runs feature files or folders (default features/) and writes the reports.")
final class RunCommand implements Callable<Integer> {

    @Parameters(paramLabel = "PATH", arity = "0..*", description = "Feature files or folders (default: features/).")
    List<Path> paths = new ArrayList<>();

    @Option(names = "--tags", paramLabel = "EXPR", description = "Cucumber tag expression, e.g. '@eval and not @slow'.")
    String tags;

    @Option(names = "--jobs", paramLabel = "N", description = "Scenarios run at once (default: 1).")
    Integer jobs;

    @Option(names = "--host", paramLabel = "NAME", description = "Run only the scenarios of NAME's CI job: those whose "
            + "first declared host is NAME (see ./hostspec matrix --by host).")
    String host;

    @Option(names = "--shard", paramLabel = "K/N", description = "Run only shard K of N (deterministic split).")
    String shard;

    @Option(names = "--durations", paramLabel = "FILE", description = "A previous run's summary.json: shards balance "
            + "its scenario durations (default: <report-dir>/summary.json if it exists).")
    Path durations;

    @Option(names = "--report-dir", paramLabel = "DIR", description = "Where reports go (default: reports/out).")
    Path reportDir;

    @Option(names = "--backend", paramLabel = "vm|container", description = "Where hosts that do not choose "
            + "(virtualisation.backend) run (default: vm, or -Dhostspec.backend); docs/backends.md.")
    String backend;

    @Mixin
    ProjectOptions projectOptions;

    @Mixin
    ConsoleOptions consoleOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Shards.Shard selectedShard = shard == null ? null : Shards.parse(shard);
        Project project = projectOptions.project();
        List<Path> selected = paths.isEmpty() ? List.of(project.features()) : paths;
        List<DiscoverySelector> selectors = new ArrayList<>();
        for (Path p : selected) {
            Path abs = p.toAbsolutePath().normalize();
            if (Files.isDirectory(abs)) {
                selectors.add(DiscoverySelectors.selectDirectory(abs.toFile()));
            } else if (Files.isRegularFile(abs) && abs.toString().endsWith(".feature")) {
                selectors.add(DiscoverySelectors.selectFile(abs.toFile()));
            } else {
                throw new IllegalArgumentException("no feature file or folder at " + p);
            }
        }
        if (backend != null) {
            System.setProperty(Backend.PROPERTY, Backend.of(backend).word());
        }
        Path reports = (reportDir == null ? project.root().resolve("reports/out") : reportDir).toAbsolutePath();
        System.setProperty(RunSummary.REPORT_DIR_PROPERTY, reports.toString());
        System.setProperty("allure.results.directory", reports.resolve("allure-results").toString());
        System.setProperty(Project.ROOT_PROPERTY, project.root().toString());
        if (!project.modulePaths().isEmpty()) {
            System.setProperty(Project.MODULE_PATH_PROPERTY, project.modulePaths().stream()
                    .map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        }
        // glue and plugins come from the scenarios' junit-platform.properties, as under mvn verify
        Map<String, String> params = new LinkedHashMap<>();
        if (tags != null && !tags.isBlank()) { // blank: no filter, as a matrix entry's empty `tags` means
            params.put("cucumber.filter.tags", tags);
        }
        if (jobs != null) {
            params.put("cucumber.execution.parallel.enabled", String.valueOf(jobs > 1));
            params.put("cucumber.execution.parallel.config.strategy", "fixed");
            params.put("cucumber.execution.parallel.config.fixed.parallelism", String.valueOf(jobs));
            params.put("cucumber.execution.parallel.config.fixed.max-pool-size", String.valueOf(jobs));
        }
        Launcher launcher = LauncherFactory.create(LauncherConfig.builder()
                .enableTestExecutionListenerAutoRegistration(false)
                .addTestExecutionListeners(consoleOptions.console(spec.commandLine().getOut(), reports)).build());
        LauncherDiscoveryRequest discovery = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectors).configurationParameters(params).build();
        if (host != null) {
            discovery = HostJobs.select(launcher, discovery, params, host);
        }
        if (selectedShard != null) {
            Path previous = durations != null ? durations : reports.resolve("summary.json");
            if (durations != null && !Files.isRegularFile(durations)) {
                throw new IllegalArgumentException("--durations: no summary.json at " + durations);
            }
            discovery = Shards.select(launcher, discovery, params, selectedShard,
                    Shards.durations(previous, project.root()));
        }
        TestPlan plan = FeatureErrors.discover(launcher, discovery);
        if (RunRequirements.needsMachines(plan) && !RunRequirements.dryRun(params)) {
            HostTools.ensureVmBackend(); // before any scenario starts a LAN, QEMU or an image build
            if (Backend.forRun() == Backend.CONTAINER) {
                // a container run without an engine stops here, saying how to get one; Testcontainers' connection
                // lines go to the log file (which the run then rewrites), not to the console
                try (RunLog.Redirect quiet = RunLog.toFile(reports.resolve("hostspec.log"))) {
                    ContainerEngine.get();
                }
            }
        }
        RunSummary summary = new RunSummary(reports);
        // SIGINT/SIGTERM: the scenarios that finished are still reported (machines are killed by their own hook)
        Thread reportOnSignal = new Thread(summary::writeInterrupted, "hostspec-report-on-exit");
        Runtime.getRuntime().addShutdownHook(reportOnSignal);
        try (AllureResults ignored = AllureResults.writeTo(reports.resolve("allure-results"))) {
            launcher.execute(plan, summary);
        }
        Runtime.getRuntime().removeShutdownHook(reportOnSignal);
        spec.commandLine().getOut().print(summary.consoleReport());
        spec.commandLine().getOut().println(AllureHtml.generate(project.root(), reports));
        if (!summary.errors().isEmpty()) {
            spec.commandLine().getErr().println("hostspec: " + String.join("\n", summary.errors()));
            return Main.USAGE;
        }
        return summary.failed() == 0 ? 0 : 1;
    }
}
