package io.hostspec.cli;

import io.hostspec.secrets.Age;
import io.hostspec.secrets.SecretsException;
import io.hostspec.secrets.SopsConfig;
import io.hostspec.secrets.SopsFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * {@code ./hostspec secrets encrypt|decrypt|edit FILE}: SOPS files with age recipients that the sops tool reads and
 * writes too (docs/secrets.md). Errors exit 2 with the file and what is wrong.
 */
@Command(name = "secrets", description = "Encrypts, decrypts and edits SOPS files (age recipients).",
        subcommands = {SecretsCommand.Encrypt.class, SecretsCommand.Decrypt.class, SecretsCommand.Edit.class})
final class SecretsCommand {

    private SecretsCommand() {
    }

    private static int fail(CommandSpec spec, Path file, Exception e) {
        spec.commandLine().getErr().println("hostspec secrets: " + file + ": " + e.getMessage());
        return Main.USAGE;
    }

    private static List<String> recipients(List<String> given, Path file) {
        List<String> r = given.isEmpty() ? SopsConfig.recipientsFor(file) : given;
        if (r.isEmpty()) {
            throw new SecretsException("no age recipient: give --age RECIPIENT, or add a creation rule with age "
                    + "recipients to a .sops.yaml in the file's folder or above");
        }
        return r;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readPlain(Path file, String text) throws IOException {
        SopsFile.Format f = SopsFile.Format.of(file.getFileName().toString());
        Object doc = (f == SopsFile.Format.JSON ? new com.fasterxml.jackson.databind.ObjectMapper()
                : new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()).readValue(text, Object.class);
        if (!(doc instanceof Map<?, ?> m)) {
            throw new SecretsException("the file must hold a table (a YAML mapping or a JSON object) at its top");
        }
        if (m.containsKey("sops")) {
            throw new SecretsException("the file is already encrypted (it has `sops' metadata)");
        }
        return (Map<String, Object>) m;
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".hostspec-new");
        Files.writeString(tmp, text);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** {@code secrets encrypt FILE}: like {@code sops -e}. */
    @Command(name = "encrypt", description = "Encrypts a plaintext YAML or JSON file (to stdout, or in place with -i).")
    static final class Encrypt implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "FILE", description = "A YAML or JSON file (.json is JSON).")
        Path file;
        @Option(names = "--age", description = "An age recipient (age1...); repeatable. Default: the .sops.yaml "
                + "creation rule.")
        List<String> age = new ArrayList<>();
        @Option(names = {"-i", "--in-place"}, description = "Write the result over FILE.")
        boolean inPlace;

        @Override
        public Integer call() {
            try {
                SopsFile enc = SopsFile.encrypt(SopsFile.Format.of(file.getFileName().toString()),
                        readPlain(file, Files.readString(file)), recipients(age, file), Instant.now());
                if (inPlace) {
                    write(file, enc.render());
                } else {
                    spec.commandLine().getOut().print(enc.render());
                }
                return 0;
            } catch (IOException | RuntimeException e) {
                return fail(spec, file, e);
            }
        }
    }

    /** {@code secrets decrypt FILE}: like {@code sops -d}. */
    @Command(name = "decrypt", description = "Decrypts a SOPS file (to stdout, or in place with -i), checking its MAC.")
    static final class Decrypt implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "FILE")
        Path file;
        @Option(names = "--key", description = "An age key file. Default: SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, "
                + "~/.config/sops/age/keys.txt.")
        Path key;
        @Option(names = {"-i", "--in-place"}, description = "Write the plaintext over FILE.")
        boolean inPlace;

        @Override
        public Integer call() {
            try {
                SopsFile sops = SopsFile.parse(file.getFileName().toString(), Files.readString(file));
                List<Age.Identity> ids = SopsConfig.identities(Optional.ofNullable(key), System.getenv());
                String text = new SopsFile(sops.format(), sops.decrypt(ids), Map.of()).renderPlain();
                if (inPlace) {
                    write(file, text);
                } else {
                    spec.commandLine().getOut().print(text);
                }
                return 0;
            } catch (IOException | RuntimeException e) {
                return fail(spec, file, e);
            }
        }
    }

    /** {@code secrets edit FILE}: like {@code sops FILE}, decrypts into a private temporary file for $EDITOR. */
    @Command(name = "edit", description = "Opens the decrypted file in $EDITOR and encrypts it again (a new file "
            + "when FILE does not exist).")
    static final class Edit implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Parameters(paramLabel = "FILE")
        Path file;
        @Option(names = "--key", description = "An age key file (as for decrypt).")
        Path key;
        @Option(names = "--age", description = "Recipients of a new file (default: the .sops.yaml creation rule).")
        List<String> age = new ArrayList<>();

        @Override
        public Integer call() {
            Path dir = null;
            try {
                List<String> recipients;
                String plain;
                SopsFile.Format format = SopsFile.Format.of(file.getFileName().toString());
                if (Files.exists(file)) {
                    SopsFile sops = SopsFile.parse(file.getFileName().toString(), Files.readString(file));
                    plain = new SopsFile(format, sops.decrypt(SopsConfig.identities(Optional.ofNullable(key),
                            System.getenv())), Map.of()).renderPlain();
                    recipients = sops.recipients();
                } else {
                    recipients = recipients(age, file);
                    plain = format == SopsFile.Format.JSON ? "{\n  \"hello\": \"Welcome to SOPS!\"\n}\n"
                            : "hello: Welcome to SOPS!\n";
                }
                dir = Files.createTempDirectory("hostspec-secrets-",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
                Path tmp = Files.writeString(dir.resolve(file.getFileName()), plain);
                String editor = System.getenv().getOrDefault("EDITOR", "vi");
                int rc = new ProcessBuilder("sh", "-c", editor + " \"$0\"", tmp.toString()).inheritIO().start()
                        .waitFor();
                if (rc != 0) {
                    throw new SecretsException("the editor (" + editor + ") exited with " + rc + "; nothing written");
                }
                String edited = Files.readString(tmp);
                if (edited.equals(plain) && Files.exists(file)) {
                    spec.commandLine().getErr().println("hostspec secrets: " + file + ": no change");
                    return 0;
                }
                write(file, SopsFile.encrypt(format, readPlain(file, edited), recipients, Instant.now()).render());
                return 0;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail(spec, file, e);
            } catch (IOException | RuntimeException e) {
                return fail(spec, file, e);
            } finally {
                deleteQuietly(dir);
            }
        }

        private static void deleteQuietly(Path dir) {
            if (dir == null) {
                return;
            }
            try (var s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    Files.deleteIfExists(p);
                }
                Files.deleteIfExists(dir);
            } catch (IOException ignored) {
                // a temporary folder left behind is only the plaintext the user just edited, mode 0700
            }
        }
    }
}
