package io.hostspec.steps;

import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;

/** Steps on running hosts (docs/steps.md). Hosts boot lazily on first use; each step is one call. */
public final class MachineSteps {

    private final World world;

    /** Steps sharing the scenario's world. */
    public MachineSteps(World world) {
        this.world = world;
    }

    /** Boots every declared host in parallel and waits for their guest agents. */
    @When("the hosts are started")
    public void hostsStarted() {
        world.lab().startAll();
    }

    /** Reboots a host cleanly and waits for it to come back. */
    @When("{string} reboots")
    public void reboots(String host) {
        world.lab().host(host).reboot();
    }

    /** Kills a host's QEMU without a clean shutdown; its disk is kept. */
    @When("{string} crashes")
    public void crashes(String host) {
        world.lab().host(host).crash();
    }

    /** Powers a host off cleanly and waits for QEMU to exit. */
    @When("{string} is shut down")
    public void shutDown(String host) {
        world.lab().host(host).shutdown();
    }

    /** Boots a host again from its own disk (after a shutdown or crash), or for the first time. */
    @When("{string} is started")
    public void started(String host) {
        world.lab().started(host);
    }

    /** Runs a command that must succeed; its output is kept for the output steps. */
    @When("{string} runs {string}")
    public void runs(String host, String command) {
        world.lab().run(host, command);
    }

    /** Copies a file from one host to another (e.g. a public key the other host must trust). */
    @When("the file {string} of {string} is copied to {string} on {string}")
    public void copied(String path, String from, String target, String to) {
        world.lab().host(from).copyFileTo(path, world.lab().host(to), target);
    }

    /** Runs a command that must succeed. */
    @Then("the command {string} succeeds on {string}")
    public void succeeds(String command, String host) {
        world.lab().run(host, command);
    }

    /** Runs a command that must fail. */
    @Then("the command {string} fails on {string}")
    public void fails(String command, String host) {
        world.lab().runFailing(host, command);
    }

    /** Retries a command until it succeeds, up to the default wait. */
    @Then("the command {string} eventually succeeds on {string}")
    public void eventuallySucceeds(String command, String host) {
        world.lab().runUntilSuccess(host, command);
    }

    /** The last command's output contains the text. */
    @Then("the output contains {string}")
    public void outputContains(String text) {
        world.lab().assertOutputContains(text);
    }

    /** The last command's output, without its trailing newline, is the text. */
    @Then("the output is {string}")
    public void outputIs(String text) {
        world.lab().assertOutputIs(text);
    }

    /** Waits until the unit is active; fails at once when it fails. */
    @Then("the unit {string} is active on {string}")
    public void unitActive(String unit, String host) {
        world.lab().host(host).waitForUnit(unit);
    }

    /** Waits until the unit is inactive. */
    @Then("the unit {string} is inactive on {string}")
    public void unitInactive(String unit, String host) {
        world.lab().host(host).waitForUnitInactive(unit);
    }

    /** Waits until the unit has failed. */
    @Then("the unit {string} has failed on {string}")
    public void unitFailed(String unit, String host) {
        world.lab().host(host).waitForUnitFailed(unit);
    }

    /** Waits until something listens on the TCP port inside the host. */
    @Then("{string} listens on TCP port {int}")
    public void listens(String host, int port) {
        world.lab().host(host).waitForOpenPort(port);
    }

    /** Waits until the file exists and contains the text. */
    @Then("{string} has the file {string} containing {string}")
    public void fileContaining(String host, String path, String text) {
        world.lab().host(host).assertFileContains(path, text);
    }

    /** Waits until a file system of the type is mounted at the mount point (findmnt). */
    @Then("{string} has {string} mounted as {string}")
    public void mounted(String host, String mountpoint, String fsType) {
        world.lab().host(host).assertMounted(mountpoint, fsType);
    }

    /** Nothing is mounted at the mount point. */
    @Then("{string} has nothing mounted at {string}")
    public void notMounted(String host, String mountpoint) {
        world.lab().host(host).assertNotMounted(mountpoint);
    }

    /** Waits until a unix socket exists with the owner ("user" or "user:group") and mode. */
    @Then("{string} has a unix socket at {string} owned by {string} with mode {string}")
    public void unixSocket(String host, String path, String owner, String mode) {
        world.lab().host(host).assertUnixSocket(path, owner, mode);
    }

    /** A TCP connection from the client to the target's port succeeds (retried up to the default wait). */
    @Then("{string} can reach {string} on TCP port {int}")
    public void canReach(String client, String target, int port) {
        world.lab().assertCanReach(client, target, port);
    }

    /** A TCP connection from the client to the target's port is refused or dropped; the client must reach the target. */
    @Then("{string} cannot reach {string} on TCP port {int}")
    public void cannotReach(String client, String target, int port) {
        world.lab().assertCannotReach(client, target, port);
    }

    /** Waits until the user is a member of the group. */
    @Then("{string} has the user {string} in the group {string}")
    public void userInGroup(String host, String user, String group) {
        world.lab().host(host).assertUserInGroup(user, group);
    }
}
