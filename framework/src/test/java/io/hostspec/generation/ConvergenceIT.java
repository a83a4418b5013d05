package io.hostspec.generation;

import io.hostspec.host.EvaluatedHost;
import io.hostspec.host.HostSpec;
import io.hostspec.host.Hosts;
import io.hostspec.host.Project;
import io.hostspec.image.HostTools;
import io.hostspec.image.ImageBuilder;
import io.hostspec.machine.Lab;
import io.hostspec.machine.Machine;
import io.hostspec.machine.MachineSpec;
import io.hostspec.machine.Timeouts;
import io.hostspec.module.Provenance;
import io.hostspec.realize.Recipe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Convergence, the property that makes generations trustworthy: after {@code A -> switch -> B} the managed state of the
 * guest ({@link Manifest}: files with modes, owners and hashes, accounts with ids, units enabled and active, the loaded
 * ruleset, sysctls) equals that of a fresh boot of B. A difference fails with the diff.
 *
 * <p>The pairs: the configurations {@code features/core/switch.feature} switches between (units, and a package with
 * the {@code jq} scenario), {@code features/nixoa/rollback.feature}'s appliance and its opened port, and generated
 * pairs that change what a switch applies besides units (a gid, a uid, memberships, a shell, the firewall, sysctls).
 * The rollback half of the property is tested too: {@code A -> switch -> B -> roll back} equals a fresh boot of A.
 * One lab serves every pair; the first boot of an image takes its warm snapshot, later ones restore it.
 */
class ConvergenceIT {

    /** The Background of features/core/switch.feature. */
    private static final String SWITCH_FEATURE_BACKGROUND = """
            [systemd.services.keep]
            wantedBy = ["multi-user.target"]
            script = "echo started >> /run/keep.starts; exec sleep infinity"

            [systemd.services.change]
            wantedBy = ["multi-user.target"]
            script = "echo started >> /run/change.starts; exec sleep infinity"

            [systemd.services.reloader]
            wantedBy = ["multi-user.target"]
            reloadIfChanged = true
            script = "echo started >> /run/reloader.starts; exec sleep infinity"
            serviceConfig.ExecReload = "/bin/sh -c 'echo reloaded >> /run/reloader.reloads'"

            [systemd.services.gone]
            wantedBy = ["multi-user.target"]
            script = "exec sleep infinity"
            """;

    /** Its first scenario's switch. */
    private static final String SWITCH_FEATURE_NEXT = """
            "systemd.services.gone.enable" = false
            "systemd.services.change.environment.GENERATION" = "2"
            "systemd.services.reloader.environment.GENERATION" = "2"

            [systemd.services.fresh]
            wantedBy = ["multi-user.target"]
            script = "exec sleep infinity"
            """;

    /** The jq scenario of features/core/switch.feature: a package and a unit that uses it. */
    private static final String SWITCH_FEATURE_JQ = """
            "environment.systemPackages" = ["jq"]

            [systemd.services.uses-jq]
            wantedBy = ["multi-user.target"]
            script = "echo '{\\"gen\\":2}' | jq -e .gen > /run/uses-jq.out; exec sleep infinity"
            """;

    /** The Background of features/nixoa/rollback.feature, on top of hosts/xoa. */
    private static final String ROLLBACK_FEATURE_PROBE = """
            [systemd.services.probe]
            wantedBy = ["multi-user.target"]
            script = "exec nc -lk 8080"
            """;

    /** Its switch. */
    private static final String ROLLBACK_FEATURE_NEXT = """
            "networking.firewall.allowedTCPPorts" = [8080]
            """;

    /** Accounts, a ruleset and sysctls; its pair changes each of them. */
    private static final String ACCOUNTS_A = """
            "users.groups.web.gid" = 900
            "users.groups.ops.members" = []
            "users.users.app" = { isSystemUser = true, group = "web", uid = 990, extraGroups = ["ops"] }
            "users.users.alice" = { isNormalUser = true, uid = 1500, extraGroups = ["adm"], shell = "/bin/sh" }
            "networking.firewall.allowedTCPPorts" = [8080]
            "boot.kernel.sysctl" = { "net.ipv4.ip_forward" = 1 }
            """;

    private static final String ACCOUNTS_B = """
            "users.groups.web.gid" = 950
            "users.groups.ops.members" = []
            "users.users.app" = { isSystemUser = true, group = "web", uid = 991 }
            "users.users.alice" = { isNormalUser = true, uid = 1500, extraGroups = ["ops"], shell = "/bin/bash" }
            "networking.firewall.allowedTCPPorts" = [8443]
            "boot.kernel.sysctl" = { "net.ipv4.ip_forward" = 0, "vm.swappiness" = 10 }
            """;

    private static Hosts hosts;
    private static ImageBuilder images;
    private static Lab lab;

    @BeforeAll
    static void lab() {
        HostTools.ensureVmBackend();
        hosts = new Hosts(Project.current());
        images = ImageBuilder.create();
        lab = Lab.create();
    }

    @AfterAll
    static void close() {
        if (lab != null) {
            lab.close();
        }
    }

    /**
     * A named pair of configurations: {@code a} is what the host boots; {@code b} is either a whole configuration or,
     * when {@code onTop}, a module added on top of {@code a} (as the switch step does).
     */
    record Pair(String name, String host, String a, String b, boolean onTop) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Pair> pairs() {
        return Stream.of(
                new Pair("switch.feature: units started, restarted, reloaded, stopped", null,
                        SWITCH_FEATURE_BACKGROUND, SWITCH_FEATURE_NEXT, true),
                new Pair("switch.feature: a package added (jq)", null, SWITCH_FEATURE_BACKGROUND, SWITCH_FEATURE_JQ,
                        true),
                new Pair("rollback.feature: the appliance opens a port", "hosts/xoa", ROLLBACK_FEATURE_PROBE,
                        ROLLBACK_FEATURE_NEXT, true),
                new Pair("generated: gid, uid, memberships, shell, firewall, sysctls", null, ACCOUNTS_A, ACCOUNTS_B,
                        false));
    }

    /** The pairs whose switch is also rolled back (the features roll these back). */
    static Stream<Pair> rolledBack() {
        return pairs().filter(p -> p.name().contains("jq") || p.name().startsWith("rollback.feature"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pairs")
    void aSwitchedHostEqualsAFreshBootOfItsNewGeneration(Pair pair) {
        EvaluatedHost a = hosts.evaluate(specA(pair));
        EvaluatedHost b = hosts.evaluate(specB(pair));
        int n = index(pair);
        Machine switched = boot("switched" + n, a.recipe());
        Machine fresh = boot("fresh" + n, b.recipe());
        GenerationHistory.bootedWith(switched, a, images).switchTo(b);
        assertSameManifest(pair, switched, fresh, a, b, "its new generation");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rolledBack")
    void aRolledBackHostEqualsAFreshBootOfItsFirstGeneration(Pair pair) {
        EvaluatedHost a = hosts.evaluate(specA(pair));
        EvaluatedHost b = hosts.evaluate(specB(pair));
        int n = index(pair);
        Machine rolledBack = boot("rolledback" + n, a.recipe());
        Machine fresh = boot("fresh-a" + n, a.recipe());
        GenerationHistory history = GenerationHistory.bootedWith(rolledBack, a, images);
        history.switchTo(b);
        history.rollBack();
        assertSameManifest(pair, rolledBack, fresh, a, b, "its first generation");
    }

    private static void assertSameManifest(Pair pair, Machine changed, Machine fresh, EvaluatedHost a,
                                           EvaluatedHost b, String what) {
        Manifest.Scope scope = Manifest.Scope.of(a.recipe(), b.recipe());
        List<String> diff = Manifest.of(changed, scope).diff(Manifest.of(fresh, scope));
        assertEquals(List.of(), diff, pair + ": the changed host (-) differs from a fresh boot of " + what
                + " (+):\n" + String.join("\n", diff));
    }

    private static HostSpec specA(Pair pair) {
        return base(pair).withText(pair.a(), "ConvergenceIT(a)", 0);
    }

    private static HostSpec specB(Pair pair) {
        return (pair.onTop() ? specA(pair) : base(pair)).withText(pair.b(), "ConvergenceIT(b)", 0);
    }

    private static HostSpec base(Pair pair) {
        return pair.host() == null ? HostSpec.named("h")
                : HostSpec.named("xoa").withModule(pair.host(), new Provenance("ConvergenceIT", 0));
    }

    private static int index(Pair pair) {
        return (int) pairs().takeWhile(p -> !p.equals(pair)).count();
    }

    // Both sides of a pair have the same host name (it is part of the image: /etc/hostname), so they differ only in
    // history.

    private static Machine boot(String name, Recipe recipe) {
        Machine machine = lab.add(MachineSpec.of(name, images.build(recipe))
                .withMemoryMiB(recipe.hardware().memoryMiB()).withCores(recipe.hardware().cores()));
        machine.start();
        machine.waitUntilReady(Timeouts.boot());
        machine.waitForOutput("system of " + name + " up", "running or degraded",
                "systemctl is-system-running --wait", o -> o.contains("running") || o.contains("degraded"),
                Timeouts.SYSTEM_UP);
        return machine;
    }
}
