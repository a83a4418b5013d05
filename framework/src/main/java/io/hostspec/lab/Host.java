package io.hostspec.lab;

import io.hostspec.generation.SwitchResult;
import io.hostspec.host.EvaluatedHost;
import io.hostspec.machine.Evidence;
import io.hostspec.machine.ExecResult;
import io.hostspec.machine.Machine;
import io.hostspec.machine.Shell;
import io.hostspec.machine.Timeouts;
import io.hostspec.report.Coverage;

import java.time.Duration;
import java.util.List;

/**
 * A running host of a scenario: its machine plus the configuration it was built from. Its assertions wait up to the
 * one configurable default ({@link Timeouts#waitDefault()}), fail fast when the machine dies, and say what they
 * expected, what they last saw and how long they waited, with the serial console's tail.
 */
public final class Host {

    /** Lines of the serial console attached to a failure. */
    public static final int CONSOLE_LINES = 50;

    private final ScenarioLab lab;
    private final Machine machine;
    private final EvaluatedHost evaluated;
    final Touches touches;

    Host(ScenarioLab lab, Machine machine, EvaluatedHost evaluated) {
        this.lab = lab;
        this.machine = machine;
        this.evaluated = evaluated;
        this.touches = new Touches(Coverage.current(), machine, evaluated);
    }

    /**
     * Starts the machine if it never ran (restoring the warm snapshot) and waits until its agent answers and the lab's
     * after-start hook (the network identity) has run. A machine that ran and stopped (crashed, killed, shut down) is
     * not restarted behind the scenario's back: waiting fails with how its QEMU exited.
     */
    void ensureReady() {
        if (machine.lastStart().isEmpty()) {
            machine.start();
        }
        machine.waitUntilReady(Timeouts.boot());
    }

    /** Reboots cleanly and waits until the host is back with its network identity. */
    public void reboot() {
        machine.reboot();
        machine.waitUntilReady(Timeouts.boot());
    }

    /** Kills the host's QEMU: no clean shutdown. Its disk is kept for a later {@link #start()}. */
    public void crash() {
        machine.crash();
    }

    /** Powers the host off cleanly and waits for QEMU to exit. */
    public void shutdown() {
        machine.shutdown();
    }

    /** Boots the host again from its own disk (a cold boot, never a snapshot) and waits until it is ready. */
    public void start() {
        machine.start();
        machine.waitUntilReady(Timeouts.boot());
    }

    /** The machine, for everything the NixOS-driver-like API offers. */
    public Machine machine() {
        return machine;
    }

    /** The configuration and recipe the host was built from. */
    public EvaluatedHost evaluated() {
        return evaluated;
    }

    /** The host's name. */
    public String name() {
        return machine.name();
    }

    /** Runs a command that must exit 0. */
    public ExecResult succeed(String command) {
        touches.command(command);
        ExecResult r = machine.execute(command);
        if (!r.succeeded()) {
            throw new AssertionError("[" + name() + "] expected `" + command + "' to succeed, but it exited "
                    + r.exitCode() + output(r) + console());
        }
        return r;
    }

    /** Runs a command that must exit non-zero. */
    public ExecResult fail(String command) {
        touches.command(command);
        ExecResult r = machine.execute(command);
        if (r.succeeded()) {
            throw new AssertionError("[" + name() + "] expected `" + command + "' to fail, but it exited 0"
                    + output(r));
        }
        return r;
    }

    /** Retries a command until it exits 0, within the default wait. */
    public ExecResult eventuallySucceeds(String command) {
        touches.command(command);
        long start = System.nanoTime();
        String out = machine.waitUntilSucceeds(command, Timeouts.waitDefault());
        return new ExecResult(command, 0, out, "", Duration.ofNanos(System.nanoTime() - start));
    }

    /** Waits until the unit is active; fails at once when it fails. */
    public void waitForUnit(String unit) {
        touches.unit(unit);
        machine.waitForUnit(unit, Timeouts.waitDefault());
    }

    /** Waits until the unit's ActiveState is {@code inactive}. */
    public void waitForUnitInactive(String unit) {
        waitForUnitState(unit, "inactive");
    }

    /** Waits until the unit's ActiveState is {@code failed}. */
    public void waitForUnitFailed(String unit) {
        waitForUnitState(unit, "failed");
    }

    private void waitForUnitState(String unit, String state) {
        touches.unit(unit);
        machine.waitForOutput("unit " + unit + " " + state + " on " + name(), "ActiveState=" + state,
                "systemctl show --property=ActiveState " + Shell.quote(unit),
                out -> out.strip().equals("ActiveState=" + state), Timeouts.waitDefault());
    }

    /** Waits until something listens on the TCP port. */
    public void waitForOpenPort(int port) {
        machine.waitForOpenPort(port, Timeouts.waitDefault());
        touches.port(port);
    }

    /**
     * Copies a file of this host to another host (through both guest agents), e.g. a public key that the other host
     * must trust. The target's parent directory must exist; the copy is owned by root with the agent's default mode.
     */
    public void copyFileTo(String path, Host target, String targetPath) {
        touches.file(path);
        byte[] content = machine.readBytes(path);
        target.machine.writeFile(targetPath, content);
        target.touches.file(targetPath);
    }

    /** Waits until the file exists and contains the text. */
    public void assertFileContains(String path, String text) {
        touches.file(path);
        machine.waitForOutput("file " + path + " containing \"" + text + "\" on " + name(),
                "the file exists and contains \"" + text + "\"",
                "cat " + Shell.quote(path) + " 2>&1 | tail -c 2000", out -> out.contains(text), Timeouts.waitDefault());
    }

    /**
     * Waits until a file system of the type ({@code btrfs}, {@code vfat}, {@code ext4} ...) is mounted at the mount
     * point, as {@code findmnt} reports it.
     */
    public void assertMounted(String mountpoint, String fsType) {
        touches.file("/etc/fstab");
        machine.waitForOutput(mountpoint + " mounted as " + fsType + " on " + name(), "findmnt: " + fsType,
                "findmnt -n -o FSTYPE,SOURCE,OPTIONS --mountpoint " + Shell.quote(mountpoint) + " 2>&1",
                out -> out.strip().split("\\s+")[0].equals(fsType), Timeouts.waitDefault());
    }

    /** Asserts nothing is mounted at the mount point (a volume that stayed locked, a disk that is not there). */
    public void assertNotMounted(String mountpoint) {
        touches.file("/etc/fstab");
        ExecResult r = machine.execute("findmnt -n -o FSTYPE,SOURCE --mountpoint " + Shell.quote(mountpoint),
                Timeouts.waitDefault());
        if (r.exitCode() == 0) {
            throw new AssertionError("[" + name() + "] expected nothing mounted at " + mountpoint + ", but findmnt "
                    + "shows: " + r.stdout().strip() + console());
        }
    }

    /**
     * Waits until a unix socket exists at the path with the owner ({@code user} or {@code user:group}) and the octal
     * mode (e.g. {@code 770}).
     */
    public void assertUnixSocket(String path, String owner, String mode) {
        String want = "socket " + (owner.contains(":") ? owner : owner + ":*") + " " + mode;
        machine.waitForOutput("unix socket " + path + " on " + name(), want,
                "stat -c '%F %U:%G %a' " + Shell.quote(path) + " 2>&1",
                out -> socketMatches(out.strip(), owner, mode), Timeouts.waitDefault());
        touches.socket(path);
    }

    static boolean socketMatches(String stat, String owner, String mode) {
        String[] parts = stat.split(" ");
        if (parts.length != 3 || !parts[0].equals("socket") || !parts[2].equals(mode)) {
            return false;
        }
        return owner.contains(":") ? parts[1].equals(owner) : parts[1].startsWith(owner + ":");
    }

    /** Waits until the user exists and is a member of the group. */
    public void assertUserInGroup(String user, String group) {
        touches.user(user, group);
        machine.waitForOutput("user " + user + " in group " + group + " on " + name(), "groups containing " + group,
                "id -nG " + Shell.quote(user) + " 2>&1",
                out -> List.of(out.strip().split("\\s+")).contains(group), Timeouts.waitDefault());
    }

    /**
     * Asserts a TCP connection from this host to another host's port succeeds (retried up to the default wait).
     *
     * @see ScenarioLab#assertCanReach(String, String, int)
     */
    public void assertCanReach(Host target, int port) {
        lab.assertCanReach(name(), target.name(), port);
    }

    /**
     * Asserts a TCP connection from this host to another host's port is refused or dropped, after checking that this
     * host reaches the target at all.
     *
     * @see ScenarioLab#assertCannotReach(String, String, int)
     */
    public void assertCannotReach(Host target, int port) {
        lab.assertCannotReach(name(), target.name(), port);
    }

    /**
     * Switches this running host to its declared modules plus {@code toml}, a module written inline whose definitions
     * carry the caller's file:line: the next generation, activated live.
     *
     * @return what the activation did
     * @throws io.hostspec.generation.GenerationException when the switch cannot be done or a unit failed (with the
     *                                                    failed units' journal)
     */
    public SwitchResult switchTo(String toml) {
        io.hostspec.module.Provenance at = CallSite.caller();
        return lab.generations().switchTo(name(), toml, at.file(), Math.max(0, at.line()));
    }

    /** Re-activates the generation before the current one, the same way as a switch. */
    public SwitchResult rollBack() {
        return lab.generations().rollBack(name());
    }

    /** Asserts the generation the guest records as current (it survives reboots and crashes). */
    public void assertGeneration(int expected) {
        lab.generations().assertGeneration(name(), expected);
    }

    /** The result of this host's last switch or rollback in this lab. */
    public SwitchResult lastSwitch() {
        return lab.generations().lastSwitch(name());
    }

    /**
     * What a report should keep of this host, by attachment name (see {@link Evidence#report(Machine, boolean)}): its
     * console and, when {@code failed}, {@code systemctl --failed} and the journal of each failed unit. Never throws.
     */
    public java.util.Map<String, String> evidence(boolean failed) {
        return Evidence.report(machine, failed);
    }

    private String output(ExecResult r) {
        return "\n  stdout: " + ScenarioLab.tail(r.stdout()).replace("\n", "\n          ")
                + "\n  stderr: " + ScenarioLab.tail(r.stderr()).replace("\n", "\n          ");
    }

    private String console() {
        List<String> lines = machine.consoleTail(CONSOLE_LINES);
        return "\n  " + Evidence.consoleName(machine) + " (last " + lines.size() + " lines):\n    "
                + String.join("\n    ", lines);
    }

    @Override
    public String toString() {
        return "Host[" + name() + "]";
    }
}
