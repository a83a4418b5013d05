package io.hostspec.faults;

import io.cucumber.java.en.When;
import io.hostspec.steps.World;

/** Test-only steps that inject faults from outside a guest, as an operator or the OOM killer would. */
public final class FaultSteps {

    private final World world;

    /** Steps sharing the scenario's world. */
    public FaultSteps(World world) {
        this.world = world;
    }

    /** Kills the host's QEMU process with SIGKILL, behind hostspec's back. */
    @When("QEMU of {string} is killed")
    public void qemuKilled(String host) {
        long pid = world.lab().host(host).machine().pid().orElseThrow();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
}
