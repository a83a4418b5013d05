package io.hostspec.module;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code for = "set.<x>"} blocks: one copy per name, the placeholder replaced in keys, values and conditions. */
class RepetitionTest {

    @TempDir
    Path root;

    private static final List<OptionDecl> BUILT_INS = List.of(
            OptionDecl.of("networking.firewall.allowedTCPPorts", Types.listOf(Types.port()), List.of(), "ports",
                    Provenance.builtIn("net")),
            OptionDecl.of("services.redis.servers.<name>.enable", Types.bool(), false, "", Provenance.builtIn("r")),
            OptionDecl.of("services.redis.servers.<name>.port", Types.port(), 6379L, "", Provenance.builtIn("r")),
            OptionDecl.of("web.sites.<name>.url", Types.str(), "", "", Provenance.builtIn("w")));

    private static final String APPS = """
            [options."apps.<name>"]
            enable = { type = "bool", default = false, description = "Run the app." }
            port = { type = "port", description = "Its port." }
            subdomain = { type = "str", description = "Its name under the domain." }

            [[config]]
            for = "apps.<app>"
            priority = "default"
            "apps.<app>.subdomain" = "<app>"

            [[config]]
            for = "apps.<app>"
            if = "apps.<app>.enable"
            "services.redis.servers.<app>" = { enable = true, port = "${apps.<app>.port}" }
            "web.sites.<app>.url" = "http://${apps.<app>.subdomain}.home.lab:${apps.<app>.port}/"
            "networking.firewall.allowedTCPPorts" = ["${apps.<app>.port}"]
            """;

    private Config eval(String host) throws IOException {
        Files.createDirectories(root.resolve("vm-images/modules"));
        Files.writeString(root.resolve("vm-images/modules/apps.toml"), APPS);
        Files.writeString(root.resolve("vm-images/modules/h.toml"), "imports = [\"apps\"]\n" + host);
        ModuleSystem ms = ModuleSystem.create(root, List.of(), BUILT_INS);
        return ms.evaluate(List.of(ms.load("h", new Provenance("test", 1))));
    }

    @Test
    void eachEnabledNameGetsItsOwnCopy() throws IOException {
        Config c = eval("""
                "apps.wiki" = { enable = true, port = 8081 }
                "apps.notes" = { enable = true, port = 8082, subdomain = "n" }
                "apps.off" = { port = 8083 }
                """);
        assertEquals(List.of("notes", "wiki"), List.copyOf(c.names("services.redis.servers")));
        assertEquals(8081L, c.integer("services.redis.servers.wiki.port"));
        assertEquals("http://wiki.home.lab:8081/", c.str("web.sites.wiki.url"));
        assertEquals("http://n.home.lab:8082/", c.str("web.sites.notes.url"), "a plain definition beats the copy's default");
        assertEquals(List.of(8082L, 8081L), c.get("networking.firewall.allowedTCPPorts"), "copies in name order");
        assertFalse(c.names("web.sites").contains("off"), "a disabled app gets nothing");
        assertEquals("vm-images/modules/apps.toml:15", c.definedAt(List.of("web", "sites", "wiki", "url")).get(0).toString(),
                "a copy's definitions name the line of the block");
    }

    @Test
    void aNameThatIsNotDefinedGetsNoCopy() throws IOException {
        Config c = eval("");
        assertTrue(c.names("apps").isEmpty());
        assertTrue(c.names("services.redis.servers").isEmpty());
        assertEquals(Map.of(), c.toTree().getOrDefault("web", Map.of()));
    }

    @Test
    void aNameDefinedOnlyUnderAFalseConditionGetsNoCopy() throws IOException {
        Config c = eval("""
                [options.x]
                flag = { type = "bool", default = false, description = "" }

                [[config]]
                if = "x.flag"
                "apps.ghost" = { enable = true, port = 9999 }
                """);
        assertTrue(c.names("apps").isEmpty(), c.names("apps").toString());
        assertFalse(c.names("services.redis.servers").contains("ghost"));
        assertFalse(c.names("web.sites").contains("ghost"));
    }

    @Test
    void anAppWithoutAPortIsUsedButNotDefinedAtTheBlockThatReadsIt() throws IOException {
        ConfigException e = assertThrows(ConfigException.class, () -> eval("\"apps.wiki.enable\" = true\n"));
        assertTrue(e.getMessage().contains("The option `apps.wiki.port' is used but not defined"), e.getMessage());
        assertTrue(e.getMessage().contains("vm-images/modules/apps.toml:"), e.getMessage());
        assertTrue(e.getMessage().contains("`apps.wiki' is defined at vm-images/modules/h.toml:2"), e.getMessage());
    }

    @Test
    void forMustNameASetOfNamedEntries() throws IOException {
        Files.createDirectories(root.resolve("vm-images/modules"));
        Files.writeString(root.resolve("vm-images/modules/bad.toml"), """
                [[config]]
                for = "networking.firewall.<x>"
                "networking.firewall.allowedTCPPorts" = [1]
                """);
        ModuleSystem ms = ModuleSystem.create(root, List.of(), BUILT_INS);
        ConfigException e = assertThrows(ConfigException.class,
                () -> ms.evaluate(List.of(ms.load("bad", new Provenance("test", 1)))));
        assertTrue(e.getMessage().contains("vm-images/modules/bad.toml:2: `for' must name a set of named entries"),
                e.getMessage());
        Files.writeString(root.resolve("vm-images/modules/bad.toml"), "[[config]]\nfor = \"apps\"\n");
        ConfigException syntax = assertThrows(ConfigException.class,
                () -> ms.evaluate(List.of(ModuleLoader.parse("bad", "bad.toml", "[[config]]\nfor = \"apps\"\n", 0))));
        assertTrue(syntax.getMessage().contains("bad.toml:2: `for' names a set of named entries and a placeholder"),
                syntax.getMessage());
    }
}
