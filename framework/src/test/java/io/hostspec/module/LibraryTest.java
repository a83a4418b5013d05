package io.hostspec.module;

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

    /**
     * STAND-IN for the built-in namespace until the realizers' declarations land: the integrator replaces this list
     * with {@code Realization.builtIns()}. It covers exactly the built-in paths the library uses, with NixOS-like
     * types and defaults.
     */
    static final List<OptionDecl> BUILT_INS = builtIns();

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

    /** The workstation targets; other host files (hosts/xoa) need built-ins this stand-in does not declare. */
    private static final List<String> TARGETS = List.of("base", "wsl", "hetzner", "m1", "container");

    @TestFactory
    Stream<DynamicTest> everyTargetEvaluates() {
        return TARGETS.stream().map(name -> DynamicTest.dynamicTest("hosts/" + name, () -> {
            assertTrue(Files.isRegularFile(root.resolve(HOSTS).resolve(name + ".toml")), name);
            assertFalse(host(name).toTree().isEmpty());
        }));
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

    /**
     * Replays the evaluation-only steps of the features about the library (SPEC section 5 texts) on the module
     * system, one test per scenario and example row. A STAND-IN until the Cucumber glue runs them: it knows only the
     * host-declaring steps and the two evaluation steps, and fails on any other step so these features stay
     * evaluation-only.
     */
    @TestFactory
    Stream<DynamicTest> featuresAgreeWithTheModules() {
        return Stream.of("features/multi-target/composition.feature", "features/core/modules.feature")
                .flatMap(f -> Replay.scenarios(root, f).stream())
                .map(sc -> DynamicTest.dynamicTest(sc.name(), () -> new Replay(sc).run()));
    }

    /** A scenario to replay: its name, file and steps (outline rows already substituted). */
    private record Scenario(String name, String file, List<Step> steps) {
    }

    /** A step: its text without keyword, its line, and its docstring (or null) with the docstring's first line. */
    private record Step(String text, int line, String docString, int docLine) {
    }

    /** Runs one scenario: hosts are lists of root modules, evaluated when a Then step reads them. */
    private static final class Replay {
        private static final Pattern HOST = Pattern.compile("a host \"([^\"]+)\"");
        private static final Pattern HOST_WITH = Pattern.compile("a host \"([^\"]+)\" with the modules \"([^\"]+)\"");
        private static final Pattern HOST_FROM = Pattern.compile("the host \"([^\"]+)\" from \"([^\"]+)\"");
        private static final Pattern CONFIGURED = Pattern.compile("the host \"([^\"]+)\" is configured with:");
        private static final Pattern OPTION = Pattern.compile("the option \"([^\"]+)\" of \"([^\"]+)\" is \"(.*)\"");
        private static final Pattern KEYWORD = Pattern.compile("^(Given|When|Then|And|But|\\*) (.*)$");
        private static final Pattern REJECTED = Pattern.compile(
                "the configuration of \"([^\"]+)\" is rejected with \"(.*)\"");

        private final Scenario scenario;
        private final Map<String, List<Module>> hosts = new LinkedHashMap<>();

        Replay(Scenario scenario) {
            this.scenario = scenario;
        }

        void run() {
            for (Step step : scenario.steps()) {
                String where = scenario.file() + ":" + step.line();
                Matcher m;
                if ((m = HOST_WITH.matcher(step.text())).matches()) {
                    List<Module> roots = hosts.computeIfAbsent(m.group(1), k -> new ArrayList<>());
                    for (String name : m.group(2).split(",")) {
                        roots.add(modules.load(name.trim(), new Provenance(scenario.file(), step.line())));
                    }
                } else if ((m = HOST.matcher(step.text())).matches()) {
                    hosts.computeIfAbsent(m.group(1), k -> new ArrayList<>());
                } else if ((m = HOST_FROM.matcher(step.text())).matches()) {
                    hosts.computeIfAbsent(m.group(1), k -> new ArrayList<>())
                            .add(modules.load(m.group(2), new Provenance(scenario.file(), step.line())));
                } else if ((m = CONFIGURED.matcher(step.text())).matches() && step.docString() != null) {
                    hosts.computeIfAbsent(m.group(1), k -> new ArrayList<>()).add(modules.parse(
                            scenario.file() + ":" + step.docLine(), scenario.file(), step.docString(),
                            step.docLine()));
                } else if ((m = OPTION.matcher(step.text())).matches()) {
                    Config c = evaluate(m.group(2), where);
                    assertEquals(m.group(3), Values.plain(c.get(m.group(1))), where + ": " + step.text());
                } else if ((m = REJECTED.matcher(step.text())).matches()) {
                    String host = m.group(1);
                    String expected = m.group(2);
                    ConfigException e = assertThrows(ConfigException.class, () -> evaluate(host, where),
                            where + ": the configuration was accepted");
                    assertTrue(e.getMessage().contains(expected), where + ": expected the message to contain <"
                            + expected + "> but it was:\n" + e.getMessage());
                } else {
                    fail(where + ": not an evaluation step of SPEC section 5: " + step.text());
                }
            }
        }

        private Config evaluate(String host, String where) {
            List<Module> roots = hosts.get(host);
            if (roots == null) {
                fail(where + ": the host \"" + host + "\" is not declared in this scenario");
            }
            return modules.evaluate(roots);
        }

        /** The scenarios of a feature file; Scenario Outlines become one scenario per Examples row. */
        static List<Scenario> scenarios(Path root, String file) {
            List<String> lines;
            try {
                lines = Files.readAllLines(root.resolve(file));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            List<Scenario> out = new ArrayList<>();
            String name = null;
            boolean outline = false;
            List<Step> steps = new ArrayList<>();
            List<String> header = null;
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                Matcher kw = KEYWORD.matcher(line);
                if (line.startsWith("Scenario:") || line.startsWith("Scenario Outline:")) {
                    if (name != null && !outline) {
                        out.add(new Scenario(name, file, List.copyOf(steps)));
                    }
                    outline = line.startsWith("Scenario Outline:");
                    name = line.substring(line.indexOf(':') + 1).strip();
                    steps = new ArrayList<>();
                    header = null;
                } else if (line.startsWith("Examples:")) {
                    header = null;
                } else if (outline && line.startsWith("|")) {
                    List<String> cells = java.util.Arrays.stream(line.substring(1, line.length() - 1).split("\\|"))
                            .map(String::strip).toList();
                    if (header == null) {
                        header = cells;
                    } else {
                        List<Step> filled = new ArrayList<>();
                        for (Step s : steps) {
                            String t = s.text();
                            for (int c = 0; c < header.size(); c++) {
                                t = t.replace("<" + header.get(c) + ">", cells.get(c));
                            }
                            filled.add(new Step(t, s.line(), s.docString(), s.docLine()));
                        }
                        out.add(new Scenario(name + " " + cells, file, List.copyOf(filled)));
                    }
                } else if (kw.matches() && name != null) {
                    int stepLine = i + 1;
                    String doc = null;
                    int docLine = 0;
                    if (i + 1 < lines.size() && lines.get(i + 1).strip().equals("\"\"\"")) {
                        int indent = lines.get(i + 1).indexOf('"');
                        docLine = i + 2;
                        StringBuilder b = new StringBuilder();
                        int j = i + 2;
                        for (; !lines.get(j).strip().equals("\"\"\""); j++) {
                            String l = lines.get(j);
                            b.append(l.length() >= indent ? l.substring(indent) : l.strip()).append('\n');
                        }
                        doc = b.toString();
                        i = j;
                    }
                    steps.add(new Step(kw.group(2), stepLine, doc, docLine));
                }
            }
            if (name != null && !outline) {
                out.add(new Scenario(name, file, List.copyOf(steps)));
            }
            assertFalse(out.isEmpty(), "no scenarios in " + file);
            return out;
        }
    }

    // ---------------------------------------------------------------- built-in stand-in

    private static List<OptionDecl> builtIns() {
        List<OptionDecl> d = new ArrayList<>();
        Provenance at = Provenance.builtIn("LibraryTest stand-in");
        Type strs = Types.listOf(Types.str());
        d.add(OptionDecl.of("networking.hostName", Types.str(), "nixos", "The name of the machine.", at));
        d.add(OptionDecl.of("networking.domain", Types.nullOr(Types.str()), null, "The domain.", at));
        d.add(OptionDecl.of("networking.firewall.enable", Types.bool(), true, "Default-deny input firewall.", at));
        d.add(OptionDecl.of("networking.firewall.allowedTCPPorts", Types.listOf(Types.port()), List.of(), "", at));
        d.add(OptionDecl.of("networking.firewall.allowedUDPPorts", Types.listOf(Types.port()), List.of(), "", at));
        String u = "users.users.<name>.";
        d.add(OptionDecl.of(u + "isNormalUser", Types.bool(), false, "", at));
        d.add(OptionDecl.of(u + "isSystemUser", Types.bool(), false, "", at));
        d.add(OptionDecl.of(u + "uid", Types.nullOr(Types.integer()), null, "", at));
        d.add(OptionDecl.of(u + "group", Types.str(), "", "", at));
        d.add(OptionDecl.of(u + "extraGroups", strs, List.of(), "", at));
        d.add(OptionDecl.of(u + "home", Types.nullOr(Types.path()), null, "", at));
        d.add(OptionDecl.of(u + "shell", Types.nullOr(Types.path()), null, "", at));
        d.add(OptionDecl.of(u + "openssh.authorizedKeys.keys", strs, List.of(), "", at));
        d.add(OptionDecl.of("environment.systemPackages", Types.listOf(Types.pkg()), List.of(), "", at));
        d.add(OptionDecl.of("environment.etc.<name>.text", Types.lines(), "", at));
        d.add(OptionDecl.of("environment.etc.<name>.mode", Types.str(), "0644", "", at));
        d.add(OptionDecl.of("services.openssh.enable", Types.bool(), false, "", at));
        d.add(OptionDecl.of("services.openssh.ports", Types.listOf(Types.port()), List.of(22L), "", at));
        d.add(OptionDecl.of("services.openssh.settings.PasswordAuthentication", Types.bool(), true, "", at));
        d.add(OptionDecl.of("services.openssh.settings.PermitRootLogin", Types.enumOf(List.of("yes",
                "without-password", "prohibit-password", "forced-commands-only", "no")), "prohibit-password", "", at));
        d.add(OptionDecl.of("time.timeZone", Types.nullOr(Types.str()), null, "", at));
        d.add(OptionDecl.of("i18n.defaultLocale", Types.str(), "C.UTF-8", "", at));
        d.add(OptionDecl.of("boot.kernelModules", strs, List.of(), "", at));
        d.add(OptionDecl.of("boot.kernel.sysctl", Types.attrsOf(Types.anything()), Map.of(), "", at));
        d.add(OptionDecl.of("virtualisation.memorySize", Types.integer(), 1024L, "MiB", at));
        d.add(OptionDecl.of("virtualisation.cores", Types.integer(), 1L, "", at));
        return List.copyOf(d);
    }
}
