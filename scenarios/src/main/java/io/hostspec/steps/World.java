package io.hostspec.steps;

import io.hostspec.generation.SwitchResult;
import io.hostspec.host.Hosts;
import io.hostspec.host.Project;
import io.hostspec.host.ScenarioHosts;
import io.hostspec.image.ImageBuilder;
import io.hostspec.lab.ScenarioLab;
import io.hostspec.module.Provenance;
import io.hostspec.report.ConsoleProgress;
import io.hostspec.report.Timeline;
import io.qameta.allure.Allure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;

/**
 * Per-scenario state shared by the step classes (injected by PicoContainer): the scenario's lab. Evaluations and
 * images are shared across scenarios through one {@link Hosts} and one {@link ImageBuilder} per JVM.
 */
public final class World {

    private static final Hosts HOSTS = new Hosts(Project.current());
    private static final ImageBuilder IMAGES = ImageBuilder.create()
            .withListener(Timeline.current().andThen(ConsoleProgress.builds()));

    private static final Logger LOG = LoggerFactory.getLogger(World.class);

    private final ScenarioLab lab = new ScenarioLab(HOSTS, IMAGES);

    /** The scenario's lab: its hosts and their machines. */
    public ScenarioLab lab() {
        return lab;
    }

    /** The hosts this scenario declares. */
    public ScenarioHosts hosts() {
        return lab.declarations();
    }

    /** Attaches a switch's or rollback's actions to the scenario's report (Allure), and returns it. */
    public SwitchResult attach(SwitchResult result) {
        Allure.addAttachment(result.kind().word() + " of " + result.host() + " to generation " + result.to(),
                "text/plain", result.report(), ".txt");
        return result;
    }

    /** Attaches an option a test machine cannot honour, with its reason, to the scenario's report (Allure). */
    public void attach(ScenarioHosts.NotApplicable entry) {
        Allure.addAttachment("not applicable on " + entry.host() + ": " + entry.option(), "text/plain", entry.report(),
                ".txt");
        LOG.info("{}", entry.report());
    }

    /** The file:line of the step being run, relative to the project root. */
    public Provenance here() {
        StepTracker.Current c = StepTracker.current();
        return c == null ? new Provenance("<step>", 0) : new Provenance(file(c), c.line());
    }

    /** The feature file of the step being run and the line just above its docstring's first line. */
    public Provenance docString() {
        StepTracker.Current c = StepTracker.current();
        return c == null ? new Provenance("<docstring>", 0) : new Provenance(file(c), c.docStringLine());
    }

    private static String file(StepTracker.Current c) {
        if (!"file".equals(c.uri().getScheme())) {
            return c.uri().toString();
        }
        Path root = HOSTS.project().root();
        Path p = Path.of(c.uri()).toAbsolutePath().normalize();
        return p.startsWith(root) ? root.relativize(p).toString() : p.toString();
    }
}
