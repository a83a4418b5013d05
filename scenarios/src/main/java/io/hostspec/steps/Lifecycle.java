package io.hostspec.steps;

import io.cucumber.java.After;
import io.cucumber.java.Before;
import io.cucumber.java.Scenario;
import io.hostspec.lab.BackendAssumptions;
import io.qameta.allure.Allure;

/** Closes the scenario's machines after every scenario, whatever its outcome. */
public final class Lifecycle {

    private final World world;

    /** Hooks sharing the scenario's world. */
    public Lifecycle(World world) {
        this.world = world;
    }

    /**
     * A scenario tagged {@code @vm-only} needs what only a VM has (its own kernel, QEMU): on a container run it is
     * skipped, saying why.
     */
    @Before("@vm-only")
    public void skipOnContainers() {
        BackendAssumptions.vmBackend();
    }

    /**
     * On a container run ({@code --backend container}, {@code mvn verify}'s container leg) a scenario that starts
     * machines needs a Docker engine: without one it is skipped saying how to get one, except under CI.
     */
    @Before("not @eval")
    public void skipWithoutEngineOfRun() {
        BackendAssumptions.engineOfRun();
    }

    /**
     * A scenario tagged {@code @container} runs hosts on the container backend: without a Docker engine it is skipped
     * saying how to get one, except under CI ({@code CI=true}), where it fails.
     */
    @Before("@container")
    public void skipWithoutEngine() {
        BackendAssumptions.containerEngine();
    }

    /**
     * Before the machines stop (After hooks run highest order first): attaches each host's serial console and, when
     * the scenario failed, {@code systemctl --failed} and the journal of each failed unit.
     */
    @After(order = 1000)
    public void attachEvidence(Scenario scenario) {
        world.lab().evidence(scenario.isFailed()).forEach((name, text) -> Allure.addAttachment(name, "text/plain",
                text, ".txt"));
    }

    /** Stops every machine the scenario started and removes their overlays and sockets. */
    @After(order = 0)
    public void closeLab() {
        world.lab().close();
    }
}
