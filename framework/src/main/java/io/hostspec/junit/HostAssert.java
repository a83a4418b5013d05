package io.hostspec.junit;

import io.hostspec.lab.Host;
import io.hostspec.machine.Evidence;
import io.hostspec.machine.ExecResult;

/**
 * Fluent assertions on a running host, reading like the Gherkin steps they mirror:
 * <pre>{@code
 * assertThat(xoa).hasActiveUnit("redis-xo.service")
 *         .hasUnixSocket("/run/redis-xo/redis.sock", "redis-xo:redis-xo", "770")
 *         .succeeds("redis-cli -s /run/redis-xo/redis.sock ping").hasOutput("PONG");
 * }</pre>
 * Each check is one call into {@link Host}: waiting checks wait up to the default timeout and fail at once on a
 * terminal state (a failed unit, a dead machine); every failure says what was expected, what was last seen and carries
 * the evidence (command, exit code, output, serial console tail), as a failing step does.
 */
public final class HostAssert {

    private final Host host;

    private HostAssert(Host host) {
        this.host = host;
    }

    /** Assertions on this host. */
    public static HostAssert assertThat(Host host) {
        if (host == null) {
            throw new AssertionError("expected a host, but it is null (is the test class annotated @HostspecTest?)");
        }
        return new HostAssert(host);
    }

    /** The command exits 0; its output can be checked next. */
    public CommandAssert succeeds(String command) {
        return new CommandAssert(this, host, host.succeed(command));
    }

    /** The command exits non-zero; its output can be checked next. */
    public CommandAssert fails(String command) {
        return new CommandAssert(this, host, host.fail(command));
    }

    /** The command exits 0 within the default wait (retried); its last output can be checked next. */
    public CommandAssert eventuallySucceeds(String command) {
        return new CommandAssert(this, host, host.eventuallySucceeds(command));
    }

    /** The unit becomes active (fails at once, with its journal, when it fails). */
    public HostAssert hasActiveUnit(String unit) {
        host.waitForUnit(unit);
        return this;
    }

    /** The unit's ActiveState becomes {@code inactive}. */
    public HostAssert hasInactiveUnit(String unit) {
        host.waitForUnitInactive(unit);
        return this;
    }

    /** The unit's ActiveState becomes {@code failed}. */
    public HostAssert hasFailedUnit(String unit) {
        host.waitForUnitFailed(unit);
        return this;
    }

    /** Something listens on the TCP port inside the host. */
    public HostAssert listensOnTcpPort(int port) {
        host.waitForOpenPort(port);
        return this;
    }

    /** The file exists and contains the text. */
    public HostAssert hasFileContaining(String path, String text) {
        host.assertFileContains(path, text);
        return this;
    }

    /** A unix socket exists at the path with the owner ({@code user} or {@code user:group}) and octal mode. */
    public HostAssert hasUnixSocket(String path, String owner, String mode) {
        host.assertUnixSocket(path, owner, mode);
        return this;
    }

    /** The user exists and is a member of the group. */
    public HostAssert hasUserInGroup(String user, String group) {
        host.assertUserInGroup(user, group);
        return this;
    }

    /** A TCP connection from this host to the target's port succeeds (retried up to the default wait). */
    public HostAssert canReach(Host target, int port) {
        host.assertCanReach(target, port);
        return this;
    }

    /** A TCP connection from this host to the target's port is refused or dropped (the target itself is reachable). */
    public HostAssert cannotReach(Host target, int port) {
        host.assertCannotReach(target, port);
        return this;
    }

    /** The guest records this generation as current. */
    public HostAssert isAtGeneration(int generation) {
        host.assertGeneration(generation);
        return this;
    }

    /** The host's last switch or rollback left the unit untouched. */
    public HostAssert lastSwitchLeftAlone(String unit) {
        if (!host.lastSwitch().unchanged().contains(unit)) {
            throw new AssertionError("[" + host.name() + "] expected the last " + host.lastSwitch().kind().word()
                    + " to leave \"" + unit + "\" untouched, but it did not:\n" + host.lastSwitch().report());
        }
        return this;
    }

    /** The output of a command that ran, to check and then go on with the host's assertions ({@link #and()}). */
    public static final class CommandAssert {

        private final HostAssert parent;
        private final Host host;
        private final ExecResult result;

        CommandAssert(HostAssert parent, Host host, ExecResult result) {
            this.parent = parent;
            this.host = host;
            this.result = result;
        }

        /** The standard output, without its trailing newline, is exactly the text. */
        public CommandAssert hasOutput(String text) {
            if (!result.stdout().stripTrailing().equals(text)) {
                throw failure("to be \"" + text + "\"");
            }
            return this;
        }

        /** The standard output contains the text. */
        public CommandAssert outputContains(String text) {
            if (!result.stdout().contains(text)) {
                throw failure("to contain \"" + text + "\"");
            }
            return this;
        }

        /** The command's result. */
        public ExecResult result() {
            return result;
        }

        /** Back to the host's assertions. */
        public HostAssert and() {
            return parent;
        }

        private AssertionError failure(String expected) {
            return new AssertionError("[" + host.name() + "] expected the output of `" + result.command() + "' "
                    + expected + ", but it exited " + result.exitCode() + " with" + Evidence.output(result)
                    + Evidence.console(host.machine()));
        }
    }
}
