package io.hostspec.cli;

import io.hostspec.host.Project;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The command line's exit codes and messages on small projects; nothing is built or booted. */
class MainTest {

    @TempDir
    Path root;

    private String previousRoot;
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void pointAtTempProject() throws IOException {
        previousRoot = System.getProperty(Project.ROOT_PROPERTY);
        System.setProperty(Project.ROOT_PROPERTY, root.toString());
        Files.createDirectories(root.resolve("vm-images/modules"));
        Files.createDirectories(root.resolve("vm-images/hosts"));
    }

    @AfterEach
    void restore() {
        if (previousRoot == null) {
            System.clearProperty(Project.ROOT_PROPERTY);
        } else {
            System.setProperty(Project.ROOT_PROPERTY, previousRoot);
        }
    }

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private void write(String rel, String text) throws IOException {
        Files.createDirectories(root.resolve(rel).getParent());
        Files.writeString(root.resolve(rel), text);
    }

    @Test
    void evalPrintsTheConfigurationAsJson() throws IOException {
        write("vm-images/hosts/web.toml", "[options.app]\nport = { type = \"port\", default = 8080 }\n");
        assertEquals(0, run("eval", "web"), err.toString());
        assertTrue(out.toString().contains("\"port\" : 8080"), out.toString());
    }

    @Test
    void evalOptionPrintsOneValue() throws IOException {
        write("vm-images/hosts/web.toml", "[options.app]\nports = { type = \"listOf port\", default = [80, 443] }\n");
        assertEquals(0, run("eval", "hosts/web", "--option", "app.ports"), err.toString());
        assertEquals("[ 80, 443 ]", out.toString().strip());
    }

    @Test
    void aConflictExitsTwoWithFileAndLine() throws IOException {
        write("vm-images/modules/a.toml", "[options.app]\nname = { type = \"str\" }\n");
        write("vm-images/hosts/web.toml", "imports = [\"a\"]\n\"app.name\" = \"x\"\n[[config]]\n\"app.name\" = \"y\"\n");
        assertEquals(2, run("eval", "web"));
        assertTrue(err.toString().contains("The option `app.name' has conflicting definition values:\n"
                + "- In vm-images/hosts/web.toml:2: \"x\"\n- In vm-images/hosts/web.toml:4: \"y\""), err.toString());
    }

    @Test
    void aMissingImportExitsTwo() throws IOException {
        write("vm-images/hosts/web.toml", "imports = [\"core/nope\"]\n");
        assertEquals(2, run("eval", "web"));
        assertTrue(err.toString().contains("The module `core/nope' imported at vm-images/hosts/web.toml:1 does not "
                + "exist"), err.toString());
    }

    @Test
    void anUnknownHostExitsTwo() {
        assertEquals(2, run("eval", "nosuchhost"));
        assertTrue(err.toString().contains("The module `nosuchhost' imported at <command line> does not exist"),
                err.toString());
    }

    @Test
    void aTomlFileCanBeNamedByPath() throws IOException {
        write("elsewhere/box.toml", "[options.box]\nsize = { type = \"int\", default = 3 }\n");
        assertEquals(0, run("eval", root.resolve("elsewhere/box.toml").toString(), "--option", "box.size"),
                err.toString());
        assertEquals("3", out.toString().strip());
    }

    @Test
    void modulePathIsSearchedFirst() throws IOException {
        write("vm-images/modules/a.toml", "[options.a]\nv = { type = \"int\", default = 1 }\n");
        write("extra/a.toml", "[options.a]\nv = { type = \"int\", default = 2 }\n");
        write("vm-images/hosts/web.toml", "imports = [\"a\"]\n");
        assertEquals(0, run("eval", "web", "--module-path", root.resolve("extra").toString(), "--option", "a.v"),
                err.toString());
        assertEquals("2", out.toString().strip());
    }

    @Test
    void optionsListsLibraryDeclarations() throws IOException {
        write("vm-images/modules/a.toml", "[options.a]\nv = { type = \"int\", default = 1, description = \"V.\" }\n");
        assertEquals(0, run("options", "--markdown"), err.toString());
        assertTrue(out.toString().contains("### `a.v`\n\n- Type: `int`\n- Default: `1`\n- Declared in: "
                + "`vm-images/modules/a.toml:2`\n\nV.\n"), out.toString());
    }

    @Test
    void badShardIsAUsageError() {
        assertEquals(2, run("run", "--shard", "3/2"));
        assertTrue(err.toString().contains("--shard takes K/N"), err.toString());
    }

    @Test
    void unknownCommandIsAUsageError() {
        assertEquals(2, run("frobnicate"));
    }
}
