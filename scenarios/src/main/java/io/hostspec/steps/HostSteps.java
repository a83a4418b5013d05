package io.hostspec.steps;

import io.cucumber.docstring.DocString;
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

    /**
     * Declares a host (if needed) with host features, comma-separated: the {@code hostFeatures} its modules see and
     * depend on.
     */
    @Given("a host {string} with the features {string}")
    public void hostWithFeatures(String name, String features) {
        world.hosts().addFeatures(name, features);
    }

    /**
     * The age key file (relative to the project root) the host's guest gets after every start to decrypt its sops
     * secrets.
     */
    @Given("the host {string} has the age key {string}")
    public void ageKey(String name, String keyFile) {
        world.lab().useAgeKey(name, keyFile);
    }

    /**
     * Searches the host's image entry (disk, warm snapshots) and the run directory (overlays, RAM files, logs) for a
     * secret's plaintext; fails naming the files that hold it.
     */
    @Then("the plaintext {string} is in no image, snapshot or run file of {string}")
    public void storedNowhere(String text, String host) {
        world.lab().assertStoredNowhere(host, text);
    }

    /** Expects the host's start (boot, key delivery, secrets activation) to fail with a message containing the text. */
    @Then("starting {string} fails with {string}")
    public void startFails(String host, String text) {
        world.lab().assertStartFails(host, text);
    }

    /** Declares a host from a host file (a module), e.g. hosts/xoa. */
    @Given("the host {string} from {string}")
    public void hostFrom(String name, String file) {
        world.hosts().addModules(name, file, world.here());
    }

    /** Adds a module written in the docstring to a host: TOML, or Nix when the docstring opens with """nix. */
    @Given("the host {string} is configured with:")
    public void configuredWith(String name, DocString module) {
        var at = world.docString();
        world.hosts().addText(name, module.getContent(), at.file(), at.line(), module.getContentType());
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
