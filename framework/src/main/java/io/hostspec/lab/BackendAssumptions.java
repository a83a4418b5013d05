package io.hostspec.lab;

import io.hostspec.container.ContainerEngine;
import io.hostspec.machine.Backend;
import org.opentest4j.TestAbortedException;

/**
 * What a scenario assumes of the run's backends, checked before its steps (JUnit assumptions: a scenario that cannot
 * run here is skipped with the reason, not failed). Under CI ({@code CI=true}, where {@code .ci/setup-host} starts a
 * Docker engine) a missing engine fails instead of skipping.
 */
public final class BackendAssumptions {

    private BackendAssumptions() {
    }

    /**
     * Skips the scenario unless the run's backend is the VM backend: for scenarios tagged {@code @vm-only}, which need
     * a kernel of their own or QEMU itself.
     *
     * @throws TestAbortedException naming the backend, when it is not {@code vm}
     */
    public static void vmBackend() {
        Backend backend = Backend.forRun();
        if (backend != Backend.VM) {
            throw new TestAbortedException("skipped on the " + backend.word() + " backend: tagged @vm-only (it needs "
                    + "a kernel of its own or QEMU itself; docs/backends.md)");
        }
    }

    /**
     * Skips the scenario when no Docker engine answers, except under CI: for scenarios tagged {@code @container},
     * whose hosts run on the container backend whatever the run's backend is.
     *
     * @throws TestAbortedException  with the engine's error and how to get one, outside CI
     * @throws IllegalStateException the engine's error, under CI
     */
    public static void containerEngine() {
        containerEngine("tagged @container");
    }

    /**
     * The same for every scenario that starts machines when the run's backend ({@link Backend#forRun()}) is the
     * container backend, as in {@code mvn verify}'s container leg: a machine without Docker skips them saying so.
     */
    public static void engineOfRun() {
        if (Backend.forRun() == Backend.CONTAINER) {
            containerEngine("the run's backend is container");
        }
    }

    private static void containerEngine(String why) {
        try {
            ContainerEngine.get();
        } catch (IllegalStateException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw e;
            }
            throw new TestAbortedException("skipped, no Docker engine (" + why + "; bash .ci/setup-host installs and "
                    + "starts one): " + e.getMessage());
        }
    }
}
