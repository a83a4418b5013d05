package io.hostspec.steps;

import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;

/** Host declarations and the evaluation-only assertions (they boot nothing). Each step is one call. */
public final class HostSteps {

    private final World world;

    /** Steps sharing the scenario's world. */
    public HostSteps(World world) {
        this.world = world;
    }

    /** Declares a host with only the built-in namespace. */
    @Given("a host {string}")
    public void host(String name) {
        world.hosts().declare(name);
    }

    /** Declares a host composed from modules. */
    @Given("a host {string} with the modules {string}")
    public void hostWithModules(String name, String modules) {
        world.hosts().addModules(name, modules, world.here());
    }

    /** Declares a host from a host file (a module), e.g. hosts/xoa. */
    @Given("the host {string} from {string}")
    public void hostFrom(String name, String file) {
        world.hosts().addModules(name, file, world.here());
    }

    /** Adds a module written in the docstring to a host. */
    @Given("the host {string} is configured with:")
    public void configuredWith(String name, String toml) {
        var at = world.docString();
        world.hosts().addText(name, toml, at.file(), at.line());
    }

    /**
     * Compares an option's final value, written as TOML without quotes around strings. The value is matched up to the
     * last quote of the line, so it may hold quotes itself: {@code is "["git", "vim"]"}.
     */
    @Then("^the option \"([^\"]*)\" of \"([^\"]*)\" is \"(.*)\"$")
    public void optionIs(String option, String host, String expected) {
        world.hosts().assertOption(host, option, expected);
    }

    /**
     * Reports an option of the host's target that a test machine cannot honour, with its reason, as the host declares
     * it in {@code virtualisation.notApplicable}; fails when the host does not declare it so. Boots nothing. A quote
     * inside the option is written {@code \\"}: {@code "environment.etc.\\"wsl.conf\\""}.
     */
    @Then("^the option \"((?:[^\"\\\\]|\\\\.)*)\" is not applicable on \"([^\"]*)\": (.*)$")
    public void notApplicable(String option, String host, String reason) {
        world.attach(world.hosts().assertNotApplicable(host, option.replace("\\\"", "\""), reason));
    }

    /** Expects the host's modules to be rejected with a message containing the text. */
    @Then("^the configuration of \"([^\"]*)\" is rejected with \"(.*)\"$")
    public void rejected(String host, String text) {
        world.hosts().assertRejected(host, text);
    }
}
