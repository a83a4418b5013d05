package io.hostspec.lab;

import io.hostspec.generation.GenerationException;
import io.hostspec.generation.GenerationHistory;
import io.hostspec.generation.SwitchResult;
import io.hostspec.host.EvaluatedHost;
import io.hostspec.host.Hosts;
import io.hostspec.image.ImageBuilder;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The generations of a scenario's hosts: switching a running host to another configuration, rolling back, and the
 * assertions on what a switch did. Each host's {@link GenerationHistory} is made on its first switch or question.
 */
public final class ScenarioGenerations {

    private final ScenarioLab lab;
    private final Hosts hosts;
    private final ImageBuilder images;
    private final Map<String, GenerationHistory> histories = new LinkedHashMap<>();

    ScenarioGenerations(ScenarioLab lab, Hosts hosts, ImageBuilder images) {
        this.lab = lab;
        this.hosts = hosts;
        this.images = images;
    }

    /**
     * Switches a running host to a new configuration: the host's declared modules plus {@code toml} (written inline,
     * its first line being line {@code lineOffset + 1} of {@code file}). Each switch starts again from the declared
     * modules, so two switches do not accumulate their docstrings. See {@link GenerationHistory#switchTo}.
     *
     * @return what the activation did
     * @throws GenerationException when the switch cannot be done or a unit failed (with the failed units' journal)
     */
    public SwitchResult switchTo(String name, String toml, String file, int lineOffset) {
        GenerationHistory history = generations(name);
        EvaluatedHost next = hosts.evaluate(lab.declarations().spec(name).withText(toml, file, lineOffset));
        return history.switchTo(next);
    }

    /**
     * Switches a running host to a configuration whose activation must fail with failed units; the failure is kept as
     * the host's last switch, and the host stays at the new generation so that it can roll back.
     *
     * @return the failed switch's result
     * @throws AssertionError when the switch succeeds, or fails without a failed unit
     */
    public SwitchResult switchToFailing(String name, String toml, String file, int lineOffset) {
        try {
            SwitchResult r = switchTo(name, toml, file, lineOffset);
            throw new AssertionError("expected the switch of \"" + name + "\" to fail with a failed unit, but it "
                    + "succeeded:\n" + r.report());
        } catch (GenerationException e) {
            if (e.result() == null || e.result().failed().isEmpty()) {
                throw new AssertionError("expected the switch of \"" + name + "\" to fail with a failed unit, but "
                        + "it failed otherwise: " + e.getMessage(), e);
            }
            return e.result();
        }
    }

    /** Re-activates the generation before the current one on a running host. See {@link GenerationHistory#rollBack}. */
    public SwitchResult rollBack(String name) {
        return generations(name).rollBack();
    }

    /** Asserts the host's current generation, as the guest records it (it survives reboots and crashes). */
    public void assertGeneration(String name, int expected) {
        int actual = generations(name).current();
        if (actual != expected) {
            throw new AssertionError("expected \"" + name + "\" to be at generation " + expected + ", but it is at "
                    + "generation " + actual + "; its history:\n" + lab.host(name).machine()
                    .execute("cat /var/lib/hostspec/generations/history 2>&1").stdout());
        }
    }

    /** The result of the host's last switch or rollback. */
    public SwitchResult lastSwitch(String name) {
        return generations(name).last().orElseThrow(() -> new IllegalStateException("\"" + name + "\" has not "
                + "switched yet in this scenario; switch first, e.g. When \"" + name + "\" switches to a "
                + "configuration with:"));
    }

    /** Asserts the host's last switch or rollback acted on the unit in that way (started, restarted, ...). */
    public void assertLastSwitchActed(String name, String action, String unit) {
        SwitchResult r = lastSwitch(name);
        if (!r.units(SwitchResult.Action.of(action)).contains(unit)) {
            throw new AssertionError("expected the last " + r.kind().word() + " of \"" + name + "\" to have " + action
                    + " \"" + unit + "\", but it did not:\n" + r.report());
        }
    }

    /** Asserts the host's last switch or rollback acted on no unit in that way. */
    public void assertLastSwitchActedOnNone(String name, String action) {
        SwitchResult r = lastSwitch(name);
        if (!r.units(SwitchResult.Action.of(action)).isEmpty()) {
            throw new AssertionError("expected the last " + r.kind().word() + " of \"" + name + "\" to have " + action
                    + " nothing, but it " + action + " " + r.units(SwitchResult.Action.of(action)) + ":\n"
                    + r.report());
        }
    }

    /** Asserts the host's last switch or rollback left the unit untouched. */
    public void assertLastSwitchLeftAlone(String name, String unit) {
        SwitchResult r = lastSwitch(name);
        if (!r.unchanged().contains(unit)) {
            throw new AssertionError("expected the last " + r.kind().word() + " of \"" + name + "\" to leave \""
                    + unit + "\" untouched, but it did not:\n" + r.report());
        }
    }

    private synchronized GenerationHistory generations(String name) {
        Host host = lab.host(name);
        return histories.computeIfAbsent(name,
                n -> GenerationHistory.bootedWith(host.machine(), host.evaluated(), images));
    }
}
