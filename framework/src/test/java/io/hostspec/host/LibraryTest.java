package io.hostspec.host;

import io.hostspec.module.ConfigException;
import io.hostspec.module.Module;
import io.hostspec.module.ModuleSystem;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Provenance;
import io.hostspec.module.Config;
import io.hostspec.realize.Realization;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The module library of vm-images/ evaluates: every host file composes without errors and the multi-target
 * workstation gets the values its targets promise (mkDefault, plain and mkForce outcomes, package profiles). It also
 * replays the evaluation-only steps of the features that describe the library, so a feature that disagrees with the
 * modules fails here already, before the Cucumber glue runs it.
 */
class LibraryTest {

    private static final String HOSTS = "vm-images/hosts";

    static final List<OptionDecl> BUILT_INS = Realization.builtIns();

    private static Path root;
    private static ModuleSystem modules;

    @BeforeAll
    static void projectRoot() {
        String prop = System.getProperty("hostspec.root");
        Path p = prop != null && Files.isDirectory(Path.of(prop, "vm-images")) ? Path.of(prop)
                : Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("vm-images"))) {
            p = p.getParent();
        }
        if (p == null) {
            fail("no folder containing vm-images above " + Path.of("").toAbsolutePath());
        }
        root = p.toAbsolutePath().normalize();
        modules = ModuleSystem.create(root, List.of(), BUILT_INS);
    }

    private static Config host(String name) {
        return modules.evaluate(List.of(modules.load("hosts/" + name, new Provenance("LibraryTest", 0))));
    }

    // ---------------------------------------------------------------- every file of the library evaluates

    /** Every host file of the library. */
    private static final List<String> TARGETS = List.of("base", "wsl", "hetzner", "m1", "container", "xoa");

    @TestFactory
    Stream<DynamicTest> everyTargetEvaluates() {
        return TARGETS.stream().map(name -> DynamicTest.dynamicTest("hosts/" + name, () -> {
            assertTrue(Files.isRegularFile(root.resolve(HOSTS).resolve(name + ".toml")), name);
            assertFalse(host(name).toTree().isEmpty());
        }));
    }

    @TestFactory
    Stream<DynamicTest> everyTargetRealizes() {
        // evaluating is not enough: a user in a group nobody declares only fails when realized (it did for hetzner)
        return TARGETS.stream().map(name -> DynamicTest.dynamicTest("hosts/" + name, () -> assertFalse(
                Realization.realize(host(name)).packages().isEmpty())));
    }

    @TestFactory
    Stream<DynamicTest> everyModuleEvaluatesAlone() throws IOException {
        // A module imports what it reads: evaluated on its own, with nothing enabled, it still composes.
        Path dir = root.resolve("vm-images/modules");
        try (Stream<Path> files = Files.walk(dir)) {
            List<String> names = files.filter(f -> f.toString().endsWith(".toml"))
                    .map(f -> dir.relativize(f).toString().replace(".toml", "")).sorted().toList();
            assertFalse(names.isEmpty(), "no modules in " + dir);
            return names.stream().map(m -> DynamicTest.dynamicTest(m, () -> assertFalse(modules.evaluate(List.of(
                    modules.load(m, new Provenance("LibraryTest", 0)))).toTree().isEmpty())));
        }
    }

    // ---------------------------------------------------------------- the targets

    @Test
    void baseKeepsTheBaseDefaultsAndTheMinimalProfile() {
        Config c = host("base");
        assertEquals("workstation", c.str("networking.hostName"));
        assertEquals("UTC", c.str("time.timeZone"));
        assertEquals(2048L, c.integer("virtualisation.memorySize"));
        assertEquals(2L, c.integer("virtualisation.cores"));
        assertTrue(c.bool("services.openssh.enable"));
        assertEquals(List.of(22L), c.get("services.openssh.ports"));
        assertEquals("minimal", c.str("workstation.profile"));
        assertEquals(List.of("ca-certificates", "curl", "less", "sudo", "vim"),
                c.strings("environment.systemPackages"));
        assertEquals("workstation: workstation (amd64, profile minimal)", c.str("environment.etc.motd.text"));
    }

    @Test
    void wslOverridesTheDefaultsAndDisablesSsh() {
        Config c = host("wsl");
        assertEquals("wsl", c.str("networking.hostName"));
        assertEquals("Europe/Berlin", c.str("time.timeZone"));
        assertFalse(c.bool("services.openssh.enable"));
        assertTrue(c.bool("networking.firewall.enable"));
        assertEquals("development", c.str("workstation.profile"));
        assertTrue(c.bool("workstation.profiles.essential"), "development implies essential");
        assertFalse(c.bool("workstation.profiles.full"));
        List<String> pkgs = c.strings("environment.systemPackages");
        assertTrue(pkgs.containsAll(c.strings("workstation.packages.essential")), pkgs.toString());
        assertTrue(pkgs.containsAll(List.of("build-essential", "openjdk-17-jdk-headless", "wireguard-tools", "direnv")));
        assertFalse(pkgs.contains("neovim"));
        // the kernel is Microsoft's: no modules, no sysctls
        assertEquals(List.of(), c.get("boot.kernelModules"));
        assertEquals(Map.of(), c.get("boot.kernel.sysctl"));
        assertEquals(List.of(51820L), c.get("networking.firewall.allowedUDPPorts"));
        assertTrue(c.str("environment.etc.\"wsl.conf\".text").endsWith("hostname = wsl"));
    }

    @Test
    void hetznerSizesTheVmAndOpensSshOnItsPort() {
        Config c = host("hetzner");
        assertEquals(4L, c.integer("virtualisation.cores"));
        assertEquals(8192L, c.integer("virtualisation.memorySize"));
        assertTrue(c.bool("services.openssh.enable"));
        assertEquals(List.of(2222L), c.get("services.openssh.ports"));
        assertEquals(List.of(2222L), c.get("networking.firewall.allowedTCPPorts"));
        assertEquals("UTC", c.str("time.timeZone"));
        assertEquals(List.of("virtio_net", "virtio_scsi", "tcp_bbr", "wireguard"), c.get("boot.kernelModules"));
        assertEquals(Map.of("fs.inotify.max_user_watches", 524288L, "net.core.default_qdisc", "fq",
                "net.ipv4.ip_forward", 1L, "net.ipv4.tcp_congestion_control", "bbr"), c.get("boot.kernel.sysctl"));
        assertTrue(c.strings("environment.systemPackages").containsAll(List.of("podman", "docker.io")));
        assertEquals(List.of("sudo", "adm", "docker"), c.get("users.users.dev.extraGroups"));
    }

    @Test
    void m1IsArmWithTheFullProfileAndARemoteDesktop() {
        Config c = host("m1");
        assertEquals("arm64", c.str("workstation.arch"));
        assertEquals("full", c.str("workstation.profile"));
        assertTrue(c.bool("workstation.profiles.development") && c.bool("workstation.profiles.essential"));
        // the plain hardware value beats the desktop's priority 900, which beats the base's mkDefault
        assertEquals(8192L, c.integer("virtualisation.memorySize"));
        assertEquals(List.of(3389L, 5901L), c.get("networking.firewall.allowedTCPPorts"));
        List<String> pkgs = c.strings("environment.systemPackages");
        for (String profile : List.of("minimal", "essential", "development", "full")) {
            assertTrue(pkgs.containsAll(c.strings("workstation.packages." + profile)), profile);
        }
        assertTrue(pkgs.containsAll(List.of("kde-plasma-desktop", "xrdp", "tigervnc-standalone-server")));
        assertEquals("exec startplasma-x11", c.str("environment.etc.\"skel/.xsession\".text"));
        assertEquals("Europe/Paris", c.str("time.timeZone"));
    }

    @Test
    void containerForcesTheFirewallOff() {
        Config c = host("container");
        assertFalse(c.bool("networking.firewall.enable"), "mkForce beats the base's plain true");
        assertFalse(c.bool("services.openssh.enable"));
        assertEquals("essential", c.str("workstation.profile"));
        assertFalse(c.strings("environment.systemPackages").contains("build-essential"));
        assertEquals(1024L, c.integer("virtualisation.memorySize"));
        assertEquals(List.of(), c.get("boot.kernelModules"));
    }

    @Test
    void aSmallerProfileCannotBeSwitchedOffUnderALargerOne() {
        Module extra = modules.parse("extra", "test", "\"workstation.profiles.essential\" = false\n", 0);
        ConfigException e = assertThrows(ConfigException.class, () -> modules.evaluate(List.of(
                modules.load("hosts/m1", new Provenance("test", 0)), extra)));
        assertTrue(e.getMessage().contains("`workstation.profiles.essential' has conflicting definition values"),
                e.getMessage());
    }

    // ---------------------------------------------------------------- the features, replayed
}
