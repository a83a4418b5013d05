package io.hostspec.steps;

import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

/**
 * Generations (docs/generations.md): live switches, rollbacks, the current generation and the unit actions a switch took.
 * Each step is one call into {@link io.hostspec.lab.ScenarioLab}; switch and rollback results are attached to the
 * report.
 */
public final class GenerationSteps {

    private final World world;

    /** Steps sharing the scenario's world. */
    public GenerationSteps(World world) {
        this.world = world;
    }

    /** Switches the running host to its declared modules plus the docstring: a new generation, activated live. */
    @When("{string} switches to a configuration with:")
    public void switchesTo(String host, String toml) {
        var at = world.docString();
        world.attach(world.lab().generations().switchTo(host, toml, at.file(), at.line()));
    }

    /** Switches to a configuration whose units fail to start: the step passes when the switch reports failed units. */
    @When("{string} switches to a failing configuration with:")
    public void switchesToFailing(String host, String toml) {
        var at = world.docString();
        world.attach(world.lab().generations().switchToFailing(host, toml, at.file(), at.line()));
    }

    /** Re-activates the generation before the current one. */
    @When("{string} rolls back")
    public void rollsBack(String host) {
        world.attach(world.lab().generations().rollBack(host));
    }

    /** The guest's current generation number. */
    @Then("{string} is at generation {int}")
    public void atGeneration(String host, int number) {
        world.lab().generations().assertGeneration(host, number);
    }

    /** The last switch or rollback started, restarted, reloaded or stopped the unit. */
    @Then("^the last switch of \"([^\"]*)\" (started|restarted|reloaded|stopped) \"([^\"]*)\"$")
    public void lastSwitchActed(String host, String action, String unit) {
        world.lab().generations().assertLastSwitchActed(host, action, unit);
    }

    /** The last switch or rollback started, restarted, reloaded or stopped no unit. */
    @Then("^the last switch of \"([^\"]*)\" (started|restarted|reloaded|stopped) nothing$")
    public void lastSwitchActedOnNone(String host, String action) {
        world.lab().generations().assertLastSwitchActedOnNone(host, action);
    }

    /** The last switch or rollback left the unit untouched. */
    @Then("the last switch of {string} left {string} untouched")
    public void lastSwitchLeftAlone(String host, String unit) {
        world.lab().generations().assertLastSwitchLeftAlone(host, unit);
    }
}
