package io.hostspec.module;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The NixOS merge semantics and the error messages, on small modules written to a temporary project. */
class EvaluationTest {

    @TempDir
    Path root;

    private static final List<OptionDecl> BUILT_INS = List.of(
            OptionDecl.of("networking.hostName", Types.str(), "nixos", "host name", Provenance.builtIn("net")),
            OptionDecl.of("networking.firewall.allowedTCPPorts", Types.listOf(Types.port()), List.of(), "ports",
                    Provenance.builtIn("net")),
            OptionDecl.of("boot.kernel.sysctl", Types.attrsOf(Types.anything()), Map.of(), "sysctls",
                    Provenance.builtIn("boot")),
            OptionDecl.of("services.redis.servers.<name>.enable", Types.bool(), false, "", Provenance.builtIn("r")),
            OptionDecl.of("services.redis.servers.<name>.port", Types.port(), 6379L, "", Provenance.builtIn("r")),
            OptionDecl.of("services.nginx.virtualHosts.<name>.root", Types.nullOr(Types.path()), "",
                    Provenance.builtIn("n")),
            OptionDecl.of("users.motd", Types.lines(), "", "motd", Provenance.builtIn("u")),
            OptionDecl.of("time.timeZone", Types.str(), "", Provenance.builtIn("t")));

    private void module(String name, String text) throws IOException {
        Path f = root.resolve("vm-images/modules/" + name + ".toml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, text);
    }

    private Config eval(String... names) {
        ModuleSystem ms = ModuleSystem.create(root, List.of(), BUILT_INS);
        List<Module> roots = new ArrayList<>();
        for (String n : names) {
            roots.add(ms.load(n, new Provenance("test", 1)));
        }
        return ms.evaluate(roots);
    }

    private ConfigException failing(String... names) {
        return assertThrows(ConfigException.class, () -> eval(names));
    }

    @Test
    void optionDefaultAppliesWithoutDefinitions() throws IOException {
        module("a", "time.timeZone = \"UTC\"\n");
        assertEquals("nixos", eval("a").str("networking.hostName"));
    }

    @Test
    void plainBeatsDefaultAndForceBeatsPlain() throws IOException {
        module("a", """
                imports = ["b", "c"]
                "networking.hostName" = "plain"
                time.timeZone = "UTC"
                """);
        module("b", """
                [[config]]
                priority = "default"
                "networking.hostName" = "default"
                """);
        module("c", """
                [[config]]
                priority = "force"
                "time.timeZone" = "Europe/Paris"
                """);
        Config c = eval("a");
        assertEquals("plain", c.str("networking.hostName"));
        assertEquals("Europe/Paris", c.str("time.timeZone"));
    }

    @Test
    void numericPriorityLowestWins() throws IOException {
        module("a", """
                [[config]]
                priority = 10
                "networking.hostName" = "ten"
                [[config]]
                priority = "force"
                "networking.hostName" = "fifty"
                """);
        assertEquals("ten", eval("a").str("networking.hostName"));
    }

    @Test
    void conflictNamesEveryDefinitionWithFileAndLine() throws IOException {
        module("a", """
                imports = ["b"]
                "networking.hostName" = "xoa"
                """);
        module("b", """
                description = "b"

                networking.hostName = "xo2"
                """);
        ConfigException e = failing("a");
        assertEquals(ConfigError.Kind.CONFLICT, e.errors().get(0).kind());
        assertEquals("""
                The option `networking.hostName' has conflicting definition values:
                - In vm-images/modules/a.toml:2: "xoa"
                - In vm-images/modules/b.toml:3: "xo2"
                Use priority = "force" or "default" to choose.""", e.getMessage());
    }

    @Test
    void equalDefinitionsDoNotConflict() throws IOException {
        module("a", "imports = [\"b\"]\n\"networking.hostName\" = \"x\"\n");
        module("b", "\"networking.hostName\" = \"x\"\n");
        assertEquals("x", eval("a").str("networking.hostName"));
    }

    @Test
    void listsConcatenateInModuleOrderWithBeforeAndAfter() throws IOException {
        module("a", """
                imports = ["b"]
                "networking.firewall.allowedTCPPorts" = [80]
                [[config]]
                order = "after"
                "networking.firewall.allowedTCPPorts" = [9000]
                [[config]]
                order = "before"
                "networking.firewall.allowedTCPPorts" = [22]
                """);
        module("b", "\"networking.firewall.allowedTCPPorts\" = [443]\n");
        assertEquals(List.of(22L, 80L, 443L, 9000L), eval("a").get("networking.firewall.allowedTCPPorts"));
    }

    @Test
    void listDefaultIsDroppedWhenDefined() throws IOException {
        module("a", "\"networking.firewall.allowedTCPPorts\" = [80]\n");
        assertEquals(List.of(80L), eval("a").get("networking.firewall.allowedTCPPorts"));
    }

    @Test
    void linesJoinWithNewlines() throws IOException {
        module("a", "imports = [\"b\"]\n\"users.motd\" = \"one\"\n");
        module("b", "\"users.motd\" = \"two\"\n");
        assertEquals("one\ntwo", eval("a").str("users.motd"));
    }

    @Test
    void attrsMergeByKeyAndKeyedPriorityAppliesToTheKeyOnly() throws IOException {
        module("a", """
                imports = ["b"]
                "boot.kernel.sysctl" = { "vm.swappiness" = 10, "net.ipv4.ip_forward" = 1 }
                [[config]]
                priority = "force"
                "boot.kernel.sysctl"."vm.swappiness" = 60
                """);
        module("b", "\"boot.kernel.sysctl\" = { \"kernel.panic\" = 5 }\n");
        assertEquals(Map.of("vm.swappiness", 60L, "net.ipv4.ip_forward", 1L, "kernel.panic", 5L),
                eval("a").get("boot.kernel.sysctl"));
    }

    @Test
    void attrsDefaultIsReplacedAsAWhole() throws IOException {
        List<OptionDecl> decls = new ArrayList<>(BUILT_INS);
        decls.add(OptionDecl.of("x.env", Types.attrsOf(Types.str()), Map.of("A", "1"), "", Provenance.builtIn("x")));
        module("a", "\"x.env\" = { B = \"2\" }\n");
        ModuleSystem ms = ModuleSystem.create(root, List.of(), decls);
        assertEquals(Map.of("B", "2"), ms.evaluate(List.of(ms.load("a", new Provenance("t", 1)))).get("x.env"));
    }

    @Test
    void attrsConflictPerKey() throws IOException {
        module("a", "imports = [\"b\"]\n\"boot.kernel.sysctl\" = { \"vm.swappiness\" = 10 }\n");
        module("b", "\"boot.kernel.sysctl\" = { \"vm.swappiness\" = 20 }\n");
        assertTrue(failing("a").getMessage().contains("`boot.kernel.sysctl.vm.swappiness' has conflicting"));
    }

    @Test
    void mkIfFollowsTheFinalValueOfABoolOption() throws IOException {
        module("a", """
                [options.demo]
                enable = { type = "bool", default = false, description = "demo" }

                [[config]]
                if = "demo.enable"
                "networking.hostName" = "on"

                [[config]]
                "demo.enable" = true
                """);
        assertEquals("on", eval("a").str("networking.hostName"));
        module("b", """
                [options.demo]
                enable = { type = "bool", default = false }
                [[config]]
                if = "demo.enable"
                "networking.hostName" = "on"
                """);
        assertEquals("nixos", eval("b").str("networking.hostName"));
    }

    @Test
    void mkIfOnANonBoolIsAnErrorNamingTheLine() throws IOException {
        module("a", """
                [[config]]
                if = "networking.hostName"
                "time.timeZone" = "UTC"
                """);
        ConfigException e = failing("a");
        assertEquals(ConfigError.Kind.TYPE, e.errors().get(0).kind());
        assertTrue(e.getMessage().startsWith("vm-images/modules/a.toml:2: `if' must name a bool option, but "
                + "`networking.hostName' is of type str"), e.getMessage());
    }

    @Test
    void submodulesExistOnlyWhenTheirConditionsHold() throws IOException {
        module("a", """
                [options.demo]
                redis = { type = "bool", default = false }
                [[config]]
                if = "demo.redis"
                "services.redis.servers.xo.enable" = true
                [[config]]
                "services.redis.servers.other.port" = 7000
                """);
        Config c = eval("a");
        assertEquals(List.of("other"), List.copyOf(c.names("services.redis.servers")));
        assertEquals(7000L, c.get("services.redis.servers.other.port"));
        assertEquals(false, c.get("services.redis.servers.other.enable"));
    }

    @Test
    void namesWithDotsAreWholeKeys() throws IOException {
        module("a", """
                [config.services.nginx.virtualHosts."xoa.example.com"]
                [[config]]
                [config.services.nginx.virtualHosts."xoa.example.com"]
                root = "/srv/www"
                """.replace("[config.services.nginx.virtualHosts.\"xoa.example.com\"]\n[[config]]", "[[config]]"));
        Config c = eval("a");
        assertEquals(List.of("xoa.example.com"), List.copyOf(c.names("services.nginx.virtualHosts")));
        assertEquals("/srv/www", c.get("services.nginx.virtualHosts.\"xoa.example.com\".root"));
    }

    @Test
    void referencesReadFinalValuesKeepTypeAlone() throws IOException {
        module("a", """
                [options.app]
                port = { type = "port", default = 8080 }
                name = { type = "str", default = "${networking.hostName}.example.com" }
                [[config]]
                "networking.firewall.allowedTCPPorts" = ["${app.port}"]
                "networking.hostName" = "web"
                "time.timeZone" = "$${not.a.reference}"
                """);
        Config c = eval("a");
        assertEquals(List.of(8080L), c.get("networking.firewall.allowedTCPPorts"));
        assertEquals("web.example.com", c.get("app.name"));
        assertEquals("${not.a.reference}", c.get("time.timeZone"));
    }

    @Test
    void referenceCycleIsReportedAsAChain() throws IOException {
        module("a", """
                [options.x]
                a = { type = "str" }
                b = { type = "str" }
                [[config]]
                "x.a" = "${x.b}"
                "x.b" = "pre-${x.a}"
                """);
        ConfigException e = failing("a");
        assertEquals(ConfigError.Kind.CYCLE, e.errors().get(0).kind());
        assertTrue(e.getMessage().contains("`x.a' -> `x.b' (read at vm-images/modules/a.toml:5) -> `x.a' (read at "
                + "vm-images/modules/a.toml:6)"), e.getMessage());
    }

    @Test
    void undeclaredOptionSuggestsTheDeclaredOne() throws IOException {
        module("a", "\n\"networking.hostname\" = \"x\"\n");
        ConfigException e = failing("a");
        assertEquals(ConfigError.Kind.UNDECLARED, e.errors().get(0).kind());
        assertEquals("The option `networking.hostname' does not exist. It is defined at vm-images/modules/a.toml:2."
                + " Did you mean `networking.hostName'?", e.getMessage());
    }

    @Test
    void aMisspelledGroupSuggestsTheOptionUnderIt() throws IOException {
        // the same typo written three ways: a quoted path, a bare dotted key (TOML nests it), a table
        for (String text : List.of("\"networking.firewal.allowedTCPPorts\" = [80]\n",
                "networking.firewal.allowedTCPPorts = [80]\n", "[networking.firewal]\nallowedTCPPorts = [80]\n")) {
            module("a", text);
            ConfigException e = failing("a");
            assertEquals(ConfigError.Kind.UNDECLARED, e.errors().get(0).kind(), text);
            assertTrue(e.getMessage().startsWith("The option `networking.firewal.allowedTCPPorts' does not exist."),
                    text + " -> " + e.getMessage());
            assertTrue(e.getMessage().endsWith(" Did you mean `networking.firewall.allowedTCPPorts'?"),
                    text + " -> " + e.getMessage());
        }
    }

    @Test
    void aMisspelledGroupWithoutALeafSuggestsTheGroup() throws IOException {
        module("a", "[networking.firewal]\n");
        ConfigException e = failing("a");
        assertTrue(e.getMessage().contains("Did you mean `networking.firewall"), e.getMessage());
    }

    @Test
    void aMisspelledOptionOfANamedSubmoduleKeepsTheName() throws IOException {
        module("a", "services.redis.servers.cache.prot = 6380\n");
        ConfigException e = failing("a");
        assertTrue(e.getMessage().endsWith("Did you mean `services.redis.servers.cache.port'?"), e.getMessage());
        module("a", "services.redis.server.cache.port = 6380\n");
        e = failing("a");
        assertTrue(e.getMessage().endsWith("Did you mean `services.redis.servers.cache.port'?"), e.getMessage());
    }

    @Test
    void wrongTypeSaysExpectedGotAndWhere() throws IOException {
        module("a", "\"networking.firewall.allowedTCPPorts\" = [80, \"https\"]\n");
        ConfigException e = failing("a");
        assertEquals(ConfigError.Kind.TYPE, e.errors().get(0).kind());
        assertEquals("The option `networking.firewall.allowedTCPPorts' has a wrong value at vm-images/modules/a.toml:1:"
                + " element 2 of the list: expected a port (an integer from 0 to 65535), got \"https\" (a string). "
                + "Its type is listOf port (declared at <built-in net>).", e.getMessage());
    }

    @Test
    void portOutOfRangeIsATypeError() throws IOException {
        module("a", "\"services.redis.servers.x.port\" = 70000\n");
        assertTrue(failing("a").getMessage().contains("got 70000 (an integer)"));
    }

    @Test
    void usedButUndefinedNamesTheReader() throws IOException {
        module("a", """
                [options.x]
                a = { type = "str" }
                [[config]]
                "networking.hostName" = "${x.a}"
                """);
        ConfigException e = failing("a");
        assertEquals(ConfigError.Kind.UNDEFINED, e.errors().get(0).kind());
        assertTrue(e.getMessage().contains("`x.a' is used but not defined") && e.getMessage()
                .contains("read at vm-images/modules/a.toml:4"), e.getMessage());
    }

    @Test
    void missingImportNamesTheImporterAndSuggests() throws IOException {
        module("core/base", "");
        module("a", "imports = [\n  \"core/bsae\",\n]\n");
        ConfigException e = failing("a");
        assertEquals(ConfigError.Kind.MISSING_MODULE, e.errors().get(0).kind());
        assertTrue(e.getMessage().startsWith("The module `core/bsae' imported at vm-images/modules/a.toml:2 does not "
                + "exist"), e.getMessage());
        assertTrue(e.getMessage().endsWith("Did you mean `core/base'?"), e.getMessage());
    }

    @Test
    void importCyclesAreFineAndDuplicatesCountOnce() throws IOException {
        module("a", "imports = [\"b\", \"c\"]\n\"networking.firewall.allowedTCPPorts\" = [1]\n");
        module("b", "imports = [\"a\", \"c\"]\n");
        module("c", "imports = [\"b\"]\n\"networking.firewall.allowedTCPPorts\" = [2]\n");
        assertEquals(List.of(1L, 2L), eval("a").get("networking.firewall.allowedTCPPorts"));
    }

    @Test
    void allErrorsAreCollectedAtOnce() throws IOException {
        module("a", """
                imports = ["nope"]
                "networking.hostNam" = "x"
                "time.timeZone" = 3
                """);
        ConfigException e = failing("a");
        assertEquals(List.of(ConfigError.Kind.MISSING_MODULE, ConfigError.Kind.UNDECLARED, ConfigError.Kind.TYPE),
                e.errors().stream().map(ConfigError::kind).toList());
        assertTrue(e.getMessage().startsWith("3 configuration errors:"));
    }

    @Test
    void tomlSyntaxErrorsNameFileAndLine() throws IOException {
        module("a", "time.timeZone = \"UTC\"\nbroken = \n");
        ConfigException e = failing("a");
        assertEquals(ConfigError.Kind.SYNTAX, e.errors().get(0).kind());
        assertTrue(e.getMessage().startsWith("vm-images/modules/a.toml:2: TOML syntax error"), e.getMessage());
    }

    @Test
    void duplicateDeclarationNamesBothPlaces() throws IOException {
        module("a", "imports = [\"b\"]\n[options]\n\"x.y\" = { type = \"int\", default = 1 }\n");
        module("b", "[options.x]\ny = { type = \"int\", default = 2 }\n");
        ConfigException e = failing("a");
        assertEquals(ConfigError.Kind.DUPLICATE_DECLARATION, e.errors().get(0).kind());
        assertTrue(e.getMessage().contains("vm-images/modules/a.toml:3") && e.getMessage()
                .contains("vm-images/modules/b.toml:2"), e.getMessage());
    }

    @Test
    void enumAndNullOr() throws IOException {
        module("a", """
                [options.p]
                profile = { type = 'enum ["minimal", "full"]', default = "minimal" }
                extra = { type = "nullOr str" }
                [[config]]
                "p.profile" = "full"
                """);
        Config c = eval("a");
        assertEquals("full", c.get("p.profile"));
        assertEquals(null, c.get("p.extra"));
        module("b", "imports = [\"a\"]\n\"p.profile\" = \"huge\"\n");
        assertTrue(failing("b").getMessage().contains("expected one of [\"minimal\", \"full\"], got \"huge\""));
    }

    @Test
    void definedOptionsKeepProvenanceAndSkipDefaults() throws IOException {
        module("a", "\n\"networking.hostName\" = \"x\"\n");
        Config c = eval("a");
        assertEquals(List.of(new Provenance("vm-images/modules/a.toml", 2)), c.definedAt(List.of("networking",
                "hostName")));
        assertTrue(c.definedOptions().containsKey("networking.hostName"));
        assertFalse(c.definedOptions().containsKey("time.timeZone"));
    }

    @Test
    void settingAGroupOfOptionsToAValueIsAnError() throws IOException {
        module("a", "\"networking.firewall\" = true\n");
        assertTrue(failing("a").getMessage().contains("`networking.firewall' is a group of options"));
    }
}
