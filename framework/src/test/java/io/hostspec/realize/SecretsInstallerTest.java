package io.hostspec.realize;

import io.hostspec.host.HostSpec;
import io.hostspec.host.Hosts;
import io.hostspec.host.Project;
import io.hostspec.module.ConfigException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The realizer's manifest and the guest's installer speak one protocol: the installer, run on this machine in a
 * private mount namespace (a fresh /run), installs what the realizer declared, and fails naming the secrets with a
 * wrong key. Needs root, unshare, python3-cryptography and age (as a guest has them); skipped otherwise.
 */
class SecretsInstallerTest {

    private static final String HOST = """
            "sops.defaultSopsFile" = "vm-images/secrets/laptop.yaml"
            "sops.age.keyFile" = "/run/key.txt"
            [sops.secrets.api-token]
            key = "api/token"
            owner = "nobody"
            mode = "0440"
            [sops.secrets.pw]
            key = "alice-password"
            path = "/run/elsewhere/pw"
            """;

    private static Recipe recipe(String text) {
        return new Hosts(Project.current()).evaluate(HostSpec.named("h").withText(text, "test.toml", 0)).recipe();
    }

    @Test
    void theRealizerRejectsAKeyThatIsNotInTheFile() {
        ConfigException e = assertThrows(ConfigException.class, () -> recipe(HOST.replace("api/token", "api/tokn")));
        assertTrue(e.getMessage().contains("The secret `api-token': the key `api/tokn' is not in "
                + "vm-images/secrets/laptop.yaml") && e.getMessage().contains("test.toml:"), e.getMessage());
    }

    @Test
    void theInstallerInstallsWhatTheRealizerDeclared(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue("root".equals(System.getProperty("user.name")) && Files.isExecutable(Path.of(
                "/usr/bin/unshare")) && Files.isExecutable(Path.of("/usr/bin/age")) && Files.isDirectory(Path.of(
                "/usr/lib/python3/dist-packages/cryptography")), "needs root, unshare, age, python3-cryptography");
        Recipe r = recipe(HOST);
        Path manifest = Files.writeString(dir.resolve("manifest.json"), r.files().get(SopsRealizer.MANIFEST).content());
        Path installer = Files.writeString(dir.resolve("install"), r.files().get(SopsRealizer.INSTALLER).content());
        Path root = Path.of("").toAbsolutePath().getParent();
        String key = Files.readString(root.resolve("vm-images/secrets/test-keys/laptop.agekey"));
        String wrong = Files.readString(root.resolve("vm-images/secrets/test-keys/wrong.agekey"));
        String good = run(dir, installer, manifest, key, "stat -L -c '%U %a' /run/secrets/api-token; "
                + "cat /run/secrets/api-token; echo; readlink /run/secrets /run/elsewhere/pw; "
                + "findmnt -n -o FSTYPE /run/secrets.d");
        assertEquals("installed 2\nnobody 440\nlaptop-api-token-1f0c7e9a\n/run/secrets.d/1\n/run/secrets/pw\nramfs",
                good.replaceAll("sops-install-secrets: installed (\\d) secrets in \\S+", "installed $1").strip());
        String bad = run(dir, installer, manifest, wrong, "");
        assertTrue(bad.contains("sops-install-secrets: cannot decrypt the secrets `api-token', `pw' of "
                + "vm-images/secrets/laptop.yaml with the age key /run/key.txt"), bad);
    }

    private static String run(Path dir, Path installer, Path manifest, String key, String check) throws Exception {
        Files.writeString(dir.resolve("key.txt"), key);
        String script = "mount -t tmpfs none /run && cp " + dir.resolve("key.txt") + " /run/key.txt && python3 "
                + installer + " " + manifest + " 2>&1 && " + (check.isEmpty() ? "true" : check);
        Process p = new ProcessBuilder("unshare", "-m", "--propagation", "private", "sh", "-c", script)
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }
}
