package io.hostspec.generation;

import io.hostspec.host.EvaluatedHost;
import io.hostspec.image.GenerationRecord;
import io.hostspec.image.ImageBuilder;
import io.hostspec.image.internal.Accounts;
import io.hostspec.image.internal.RecipeApplier;
import io.hostspec.machine.ExecResult;
import io.hostspec.machine.LogSection;
import io.hostspec.machine.Machine;
import io.hostspec.machine.Shell;
import io.hostspec.machine.Timeouts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The generations of one running host and the two ways of moving between them, as {@code nixos-rebuild switch} and
 * {@code --rollback} do: {@link #switchTo(EvaluatedHost)} activates a new configuration live, {@link #rollBack()}
 * re-activates the generation before the current one. The host side keeps every generation's recipe; the guest keeps
 * which generation is current and the history under {@value ActivationScript#RECORD_DIR}, on its own disk, so the
 * number survives reboots and crashes. Every image carries the record of its generation 1 ({@link GenerationRecord}),
 * so a guest without a record is an error, never a silent generation 1.
 *
 * <p>An activation computes a {@link SwitchPlan} from the two recipes, renders it as one script
 * ({@link ActivationScript}), writes it through the guest agent and runs it; then waits (named, bounded by
 * {@link Timeouts#UNITS_SETTLE}) until the units it acted on settled, and collects the failed ones with their journal.
 * A switch that changes the package set needs an {@link ImageBuilder}: the two generations' base layers are built (or
 * found) in its cache, their difference ({@link BaseLayerDelta}) is written to the guest as a tarball and unpacked by
 * the script before the recipe's files; without a builder such a switch is refused before anything is touched (the
 * guest has no network to install from).
 *
 * <p>Not thread-safe: one scenario drives one host from one thread.
 */
public final class GenerationHistory {

    /** Journal lines attached per failed unit. */
    public static final int JOURNAL_LINES = 30;
    /** Where the activation script is written in the guest (tmpfs: gone after a reboot, like any run state). */
    public static final String SCRIPT_DIR = "/run/hostspec";

    /** Guest paths a package delta never writes or removes: identity, run-time and boot state, caches, logs. */
    public static final List<String> DELTA_EXCLUDED_TREES = List.of("/dev", "/proc", "/sys", "/run", "/tmp", "/boot",
            "/var/log", "/var/cache", "/var/tmp", "/var/lib/systemd", ActivationScript.RECORD_DIR);
    /** Single guest files a package delta never writes or removes. */
    public static final List<String> DELTA_EXCLUDED_FILES = List.of("/etc/hostname", "/etc/hosts", "/etc/fstab",
            "/etc/machine-id", "/etc/resolv.conf", "/etc/ld.so.cache", "/etc/passwd-", "/etc/group-",
            "/etc/shadow-", "/etc/gshadow-", "/etc/subuid", "/etc/subgid", "/etc/subuid-", "/etc/subgid-",
            RecipeApplier.UNIT_DIR + "/getty.target.wants/" + RecipeApplier.SERIAL_GETTY);

    private final Guest machine;
    private final ImageBuilder images;
    private final List<Generation> generations = new ArrayList<>();
    private SwitchResult last;

    private GenerationHistory(Guest machine, EvaluatedHost booted, ImageBuilder images) {
        this.machine = machine;
        this.images = images;
        generations.add(new Generation(1, booted));
    }

    /**
     * The history of a host that booted {@code booted} as generation 1.
     *
     * @param machine the host's machine
     * @param booted  the configuration its image was built from
     * @return a history with one generation
     */
    public static GenerationHistory bootedWith(Machine machine, EvaluatedHost booted) {
        return new GenerationHistory(Guest.of(machine), booted, null);
    }

    /** The history of a guest that booted {@code booted} as generation 1, without package switches (for tests). */
    static GenerationHistory bootedWith(Guest guest, EvaluatedHost booted) {
        return new GenerationHistory(guest, booted, null);
    }

    /**
     * The history of a host that booted {@code booted} as generation 1, able to switch package sets: the base layers
     * come from {@code images}' cache (built there when missing, which needs root).
     *
     * @param machine the host's machine
     * @param booted  the configuration its image was built from
     * @param images  the builder whose cache holds the base layers
     * @return a history with one generation
     */
    public static GenerationHistory bootedWith(Machine machine, EvaluatedHost booted, ImageBuilder images) {
        return new GenerationHistory(Guest.of(machine), booted, images);
    }

    /**
     * The current generation's number, as the guest records it (so it survives reboots and crashes), checked against
     * this history: the guest's current generation must be one this history knows, activated from the same image
     * hash.
     *
     * @return the number
     * @throws GenerationException when the guest has no record (every image carries generation 1's, so a missing one
     *                             was lost), the record is corrupt, or it disagrees with this history
     */
    public int current() {
        return record().current();
    }

    /**
     * The guest's generation record, checked against this history as {@link #current()} describes.
     *
     * @return the record
     * @throws GenerationException as {@link #current()}
     */
    public GenerationRecord record() {
        ExecResult r = machine.execute(GenerationRecord.readCommand() + " 2>&1", Timeouts.PROTOCOL_CALL);
        GenerationRecord record;
        try {
            record = GenerationRecord.parse(r.exitCode(), r.stdout());
        } catch (IllegalArgumentException e) {
            throw new GenerationException("[" + machine.name() + "] cannot tell its generation: " + e.getMessage()
                    + ". Known to this run: generations 1.." + generations.size() + ".", null);
        }
        GenerationRecord.Entry last = record.last();
        if (last.number() < 1 || last.number() > generations.size()) {
            throw new GenerationException("[" + machine.name() + "] the guest records generation " + last.number()
                    + " as current, but this run knows generations 1.." + generations.size() + " only; the guest's "
                    + "history:\n" + r.stdout().strip(), null);
        }
        String expected = generation(last.number()).imageHash();
        if (!last.imageHash().equals(expected)) {
            throw new GenerationException("[" + machine.name() + "] the guest records generation " + last.number()
                    + " as image " + last.imageHash() + ", but generation " + last.number() + " of this run is image "
                    + expected + "; the guest's history:\n" + r.stdout().strip(), null);
        }
        return record;
    }

    /**
     * A generation by number.
     *
     * @param number 1, 2, ...
     * @return the generation
     * @throws GenerationException when this history has no such generation, naming the known ones
     */
    public Generation generation(int number) {
        if (number < 1 || number > generations.size()) {
            throw new GenerationException("[" + machine.name() + "] has no generation " + number + "; known: 1.."
                    + generations.size(), null);
        }
        return generations.get(number - 1);
    }

    /** The result of the last switch or rollback, empty before the first. */
    public Optional<SwitchResult> last() {
        return Optional.ofNullable(last);
    }

    /**
     * Switches the live host to a configuration. A configuration that realizes the same system as the current
     * generation adds no generation and acts on nothing; any other becomes the next generation (after the highest
     * one, also after a rollback) and is activated.
     *
     * @param next the evaluated configuration
     * @return what the activation did
     * @throws GenerationException when the switch cannot be done (package changes, a failing activation step) or a
     *                             unit failed; in the latter case the new generation is current and can be rolled back
     */
    public SwitchResult switchTo(EvaluatedHost next) {
        Generation from = generation(current());
        if (from.imageHash().equals(next.recipe().imageHash())) {
            SortedSet<String> all = new TreeSet<>(next.recipe().units().keySet());
            last = new SwitchResult(machine.name(), SwitchResult.Kind.SWITCH, from.number(), from.number(),
                    new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), new TreeSet<>(), all, false, false,
                    new TreeSet<>(), new TreeSet<>(), new TreeMap<>(), new TreeMap<>(), Duration.ZERO);
            return last;
        }
        Generation to = new Generation(generations.size() + 1, next);
        SwitchPlan plan = SwitchPlan.between(from.host().recipe(), next.recipe());
        refusePackageChanges(plan, from, to);
        generations.add(to);
        return activate(plan, from, to, SwitchResult.Kind.SWITCH);
    }

    /**
     * Re-activates the generation before the current one, the same way a switch does. State directories are never
     * touched.
     *
     * @return what the activation did
     * @throws GenerationException when the current generation is 1, or the activation fails
     */
    public SwitchResult rollBack() {
        int current = current();
        if (current <= 1) {
            throw new GenerationException("[" + machine.name() + "] cannot roll back: it is at generation " + current
                    + " and there is no generation before it", null);
        }
        Generation from = generation(current);
        Generation to = generation(current - 1);
        SwitchPlan plan = SwitchPlan.between(from.host().recipe(), to.host().recipe());
        refusePackageChanges(plan, from, to);
        return activate(plan, from, to, SwitchResult.Kind.ROLLBACK);
    }

    private void refusePackageChanges(SwitchPlan plan, Generation from, Generation to) {
        if (plan.changesPackages() && images == null) {
            throw new GenerationException("[" + machine.name() + "] generation " + to.number() + " changes the "
                    + "package set of generation " + from.number() + " (adds " + plan.packagesAdded() + ", removes "
                    + plan.packagesRemoved() + "), and this history has no image builder to take the base layers "
                    + "from (the guest has no network to install from). Nothing was changed; create the history "
                    + "with GenerationHistory.bootedWith(machine, host, images), or declare the packages in the "
                    + "host's modules so that they are in its image from the start.",
                    null);
        }
    }

    private SwitchResult activate(SwitchPlan plan, Generation from, Generation to, SwitchResult.Kind kind) {
        String host = machine.name();
        try (LogSection section = LogSection.open(host, kind.word() + " to generation " + to.number())) {
            try {
                SwitchResult result = run(plan, from, to, kind, section);
                last = result;
                if (!result.succeeded()) {
                    throw new GenerationException("[" + host + "] " + kind.word() + " to generation " + to.number()
                            + ": " + result.failures().size() + " step(s) failed: "
                            + String.join(", ", result.failures()) + ". Generation " + to.number()
                            + " is current; roll back to return to generation " + from.number() + ".\n"
                            + result.report(), result);
                }
                return result;
            } catch (RuntimeException e) {
                throw section.failed(e);
            }
        }
    }

    private SwitchResult run(SwitchPlan plan, Generation from, Generation to, SwitchResult.Kind kind,
                             LogSection section) {
        machine.succeed("mkdir -p " + SCRIPT_DIR);
        BaseLayerDelta delta = null;
        String deltaTar = SCRIPT_DIR + "/gen-" + to.number() + ".tar";
        if (plan.changesPackages()) {
            delta = new PackageDeltaTransfer(machine, images).transfer(from.host().recipe(), to.host().recipe(),
                    deltaTar);
        }
        List<List<String>> accounts = accountCommands(plan, from, to, delta);
        String script = ActivationScript.render(plan, to.number(), kind.word(), to.imageHash(), accounts, delta,
                deltaTar);
        String path = SCRIPT_DIR + "/activate-" + to.number() + "-" + kind.word() + ".sh";
        machine.writeFile(path, script);
        ExecResult r = machine.execute("sh " + Shell.quote(path) + " 2>&1", atLeastTheWait(Timeouts.ACTIVATION));
        if (!r.succeeded()) {
            throw new GenerationException("[" + machine.name() + "] the activation of generation " + to.number()
                    + " (" + kind.word() + " from " + from.number() + ") failed with exit code " + r.exitCode()
                    + " before the unit actions; the guest may hold a part of its files, and is still recorded at "
                    + "generation " + from.number() + ". Script: " + path + "\n--- output ---\n"
                    + r.stdout().strip(), null);
        }
        SortedMap<String, SortedSet<String>> acted = new TreeMap<>();
        SortedMap<String, String> failed = new TreeMap<>();
        SortedMap<String, String> failedSteps = new TreeMap<>();
        boolean firewall = false;
        boolean sysctls = false;
        List<ActivationEvent> events;
        try {
            events = ActivationEvent.parse(r.stdout());
        } catch (IllegalArgumentException e) {
            throw new GenerationException("[" + machine.name() + "] the activation of generation " + to.number()
                    + " printed " + e.getMessage() + "; script " + path + "\n--- output ---\n" + r.stdout().strip(),
                    null);
        }
        for (ActivationEvent event : events) {
            if (event instanceof ActivationEvent.UnitActed a) {
                acted.computeIfAbsent(a.action().name().toLowerCase(java.util.Locale.ROOT), k -> new TreeSet<>())
                        .add(a.unit());
            } else if (event instanceof ActivationEvent.UnitFailed f) {
                failed.put(f.unit(), "systemctl " + f.verb() + " failed"
                        + (f.output().isBlank() ? "" : ":\n" + f.output().strip()));
            } else if (event instanceof ActivationEvent.FirewallReloaded) {
                firewall = true;
            } else if (event instanceof ActivationEvent.FirewallFailed f) {
                failedSteps.put(SwitchResult.FIREWALL, "nft -f " + RecipeApplier.NFTABLES_FILE + " failed; the "
                        + "previous ruleset stays loaded:\n" + f.output().strip());
            } else if (event instanceof ActivationEvent.SysctlsApplied) {
                sysctls = true;
            } else if (event instanceof ActivationEvent.SysctlsFailed f) {
                failedSteps.put(SwitchResult.SYSCTLS, "sysctl -p " + RecipeApplier.SYSCTL_FILE + " failed:\n"
                        + f.output().strip());
            }
        }
        SortedSet<String> running = new TreeSet<>();
        for (String verb : List.of("started", "restarted", "reloaded")) {
            running.addAll(acted.getOrDefault(verb, new TreeSet<>()));
        }
        running.removeAll(failed.keySet());
        if (!running.isEmpty()) {
            failed.putAll(settleAndCollectFailures(running, to.number()));
        }
        for (var entry : failed.entrySet()) {
            entry.setValue(entry.getValue() + "\n" + journal(entry.getKey()));
        }
        SortedSet<String> unchanged = new TreeSet<>(plan.unchanged());
        for (String verb : List.of("restarted", "reloaded")) {
            // a changed unit that was not running is left as it is, like switch-to-configuration does
            for (String unit : verb.equals("restarted") ? plan.restart() : plan.reload()) {
                if (!acted.getOrDefault(verb, new TreeSet<>()).contains(unit) && !failed.containsKey(unit)) {
                    unchanged.add(unit);
                }
            }
        }
        SwitchResult result = new SwitchResult(machine.name(), kind, from.number(), to.number(),
                acted.getOrDefault("started", new TreeSet<>()), acted.getOrDefault("restarted", new TreeSet<>()),
                acted.getOrDefault("reloaded", new TreeSet<>()), acted.getOrDefault("stopped", new TreeSet<>()),
                unchanged, firewall, sysctls, new TreeSet<>(plan.write().keySet()), plan.remove(), failed,
                failedSteps, section.elapsed());
        machine.writeFile(ActivationScript.RECORD_DIR + "/" + to.number() + "-" + kind.word() + ".actions",
                result.report());
        return result;
    }

    /**
     * The account commands of an activation, rendered by {@link Accounts} from the guest's own accounts (plus those a
     * package delta appends first), exactly as an image build renders them from its base layer's. Nothing to read
     * when the plan changes no account.
     */
    private List<List<String>> accountCommands(SwitchPlan plan, Generation from, Generation to,
                                               BaseLayerDelta delta) {
        if (plan.groups().isEmpty() && plan.users().isEmpty()) {
            return List.of();
        }
        ExecResult r = machine.execute(Accounts.State.readCommand() + " 2>&1", Timeouts.PROTOCOL_CALL);
        if (!r.succeeded()) {
            throw new GenerationException("[" + machine.name() + "] cannot read the guest's accounts before "
                    + "activating generation " + to.number() + ": `" + r.command() + "` exited with "
                    + r.exitCode() + ": " + r.stdout().strip() + ". Nothing was changed.", null);
        }
        Accounts.State state = Accounts.State.parseOutput(r.stdout());
        if (delta != null) {
            state = state.plus(String.join("\n", delta.accountLines().getOrDefault("/etc/passwd", List.of())),
                    String.join("\n", delta.accountLines().getOrDefault("/etc/group", List.of())));
        }
        return Accounts.commands(to.host().recipe(), from.host().recipe(), state);
    }

    // A longer configured wait (-Dhostspec.timeout, for slow or contended hosts) lengthens the activation's bounds too.
    private static Duration atLeastTheWait(Duration bound) {
        return Timeouts.waitDefault().compareTo(bound) > 0 ? Timeouts.waitDefault() : bound;
    }

    private SortedMap<String, String> settleAndCollectFailures(SortedSet<String> units, int number) {
        String quoted = String.join(" ", units.stream().map(Shell::quote).toList());
        String command = "systemctl show --property=Id,ActiveState " + quoted;
        String out = machine.waitForOutput("units of generation " + number + " settled on " + machine.name(),
                "no unit acted on is activating, deactivating or reloading", command,
                o -> !o.contains("ActiveState=activating") && !o.contains("ActiveState=deactivating")
                        && !o.contains("ActiveState=reloading"),
                atLeastTheWait(Timeouts.UNITS_SETTLE));
        SortedMap<String, String> failed = new TreeMap<>();
        // systemctl show prints one block per unit, separated by a blank line, properties in its own order
        for (String block : out.split("\n\\s*\n")) {
            String id = null;
            String state = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("Id=")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("ActiveState=")) {
                    state = line.substring(12).strip();
                }
            }
            // inactive is fine: a oneshot unit that ran to completion
            if (id != null && "failed".equals(state)) {
                failed.put(id, "failed after the activation");
            }
        }
        return failed;
    }

    private String journal(String unit) {
        return io.hostspec.machine.Evidence.journal(machine::execute, unit, JOURNAL_LINES);
    }
}
