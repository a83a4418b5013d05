package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.ConfigException;
import io.hostspec.module.ModuleSystem;
import io.hostspec.module.Provenance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertThrows;

/** The realizer tests' one way to realize a host written as TOML: it becomes hosts/h of a project in a folder. */
final class TestHost {

    private TestHost() {
    }

    /**
     * @param root the project folder (a test's temporary directory)
     * @param host the host file's TOML
     * @return its recipe
     */
    static Recipe realize(Path root, String host) throws IOException {
        return Realization.realize(evaluate(root, host));
    }

    /** The evaluated configuration of {@code host}, not yet realized. */
    static Config evaluate(Path root, String host) throws IOException {
        Path f = root.resolve("vm-images/hosts/h.toml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, host);
        ModuleSystem ms = ModuleSystem.create(root, List.of(), Realization.builtIns());
        return ms.evaluate(List.of(ms.load("hosts/h", new Provenance("test", 1))));
    }

    /** The message of the error that realizing {@code host} fails with (the test fails when it does not fail). */
    static String rejected(Path root, String host) {
        return assertThrows(ConfigException.class, () -> realize(root, host)).getMessage();
    }
}
