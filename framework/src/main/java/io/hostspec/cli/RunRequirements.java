package io.hostspec.cli;

import org.junit.platform.engine.TestTag;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What a run needs from the build host, decided from its test plan before anything executes: a plan whose every
 * scenario is tagged {@code @eval} only evaluates configurations; any other scenario may boot machines, so the run
 * needs the VM backend's tools before it starts.
 */
final class RunRequirements {

    /** The tag of scenarios that evaluate configurations only and never boot a machine. */
    static final TestTag EVAL_ONLY = TestTag.create("eval");

    private RunRequirements() {
    }

    /** The Cucumber setting of a dry run: steps are matched, none runs, so nothing boots. */
    static final String DRY_RUN = "cucumber.execution.dry-run";

    /** Whether the run is a Cucumber dry run, by its configuration parameters or a system property. */
    static boolean dryRun(java.util.Map<String, String> params) {
        return Boolean.parseBoolean(params.getOrDefault(DRY_RUN, System.getProperty(DRY_RUN, "false")));
    }

    /**
     * @param plan the discovered plan of a run
     * @return whether any test of the plan is not tagged {@link #EVAL_ONLY}
     */
    static boolean needsMachines(TestPlan plan) {
        Deque<TestIdentifier> todo = new ArrayDeque<>(plan.getRoots());
        while (!todo.isEmpty()) {
            TestIdentifier id = todo.pop();
            if (id.isTest() && !id.getTags().contains(EVAL_ONLY)) {
                return true;
            }
            todo.addAll(plan.getChildren(id));
        }
        return false;
    }
}
