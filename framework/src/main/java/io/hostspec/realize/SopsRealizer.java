package io.hostspec.realize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hostspec.module.Config;
import io.hostspec.module.ConfigError;
import io.hostspec.module.ConfigException;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Provenance;
import io.hostspec.module.Types;
import io.hostspec.secrets.SecretsException;
import io.hostspec.secrets.SopsFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code sops.*}, the options of sops-nix: every {@code sops.secrets.<name>} is looked up in its SOPS file when the
 * host is realized (a missing file or key is an error naming the secret and its definition), and lands in the image
 * still encrypted, in {@value #MANIFEST}. The guest decrypts it at activation ({@code sops-install-secrets.service},
 * started by hostspec once it has delivered the age key) into {@code /run/secrets.d/N} on ramfs, {@code /run/secrets}
 * pointing at the newest generation. docs/secrets.md says what of sops-nix is honoured.
 */
final class SopsRealizer implements Realizer {

    /** The unit that installs the secrets; units that read secrets are ordered after it. */
    static final String UNIT = "sops-install-secrets.service";
    static final String MANIFEST = "/etc/hostspec/sops/manifest.json";
    static final String INSTALLER = "/etc/hostspec/sops/install-secrets";
    /** Per unit of a restartUnits list, a file that changes with the secrets it restarts for (a switch restarts it). */
    static final String RESTART_MARKERS = "/etc/hostspec/sops/restart/";
    /** Where the age key is delivered when {@code sops.age.keyFile} is not set: /run is tmpfs, never on disk. */
    static final String DEFAULT_KEY_FILE = "/run/hostspec/sops/age-keys.txt";
    private static final String P = "sops.";
    private static final String S = "sops.secrets.<name>.";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    @Override
    public List<OptionDecl> options() {
        return new Declarations("sops")
                .add(P + "defaultSopsFile", Types.nullOr(Types.str()), null, "The SOPS file of secrets that name none; "
                        + "a relative path is relative to the file that defines it (else to the project root).")
                .add(P + "defaultSopsFormat", Types.enumOf(List.of("yaml", "json", "binary")), "yaml",
                        "The format of SOPS files of secrets that name none.")
                .add(P + "age.keyFile", Types.nullOr(Types.str()), null, "Where the guest reads its age key; hostspec "
                        + "delivers the key there after the machine starts. null: " + DEFAULT_KEY_FILE
                        + " (tmpfs). Keep it under /run so that the key never reaches a disk.")
                .add(S + "sopsFile", Types.nullOr(Types.str()), null, "The SOPS file; null: sops.defaultSopsFile.")
                .add(S + "key", Types.str(), "", "The key in the file, nested keys separated by '/'; empty: the "
                        + "secret's name (\"data\" for the binary format).")
                .add(S + "format", Types.nullOr(Types.enumOf(List.of("yaml", "json", "binary"))), null,
                        "The file's format; null: sops.defaultSopsFormat.")
                .add(S + "owner", Types.str(), "root", "The owner of the decrypted file.")
                .add(S + "group", Types.str(), "", "Its group; empty: the owner's primary group.")
                .add(S + "mode", Types.str(), "0400", "Its octal permission bits.")
                .add(S + "path", Types.str(), "/run/secrets/<name>", "Where the decrypted secret is; another path "
                        + "becomes a symlink to /run/secrets/<name>.")
                .add(S + "restartUnits", Types.listOf(Types.str()), List.of(), "Units restarted when the secret "
                        + "changes in a switch (and once its secrets are installed after a start).")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        List<String> names = new ArrayList<>(config.names("sops.secrets"));
        if (names.isEmpty()) {
            return;
        }
        List<ConfigError> errors = new ArrayList<>();
        Map<String, SopsFile> files = new TreeMap<>();
        Map<String, Object> fileEntries = new TreeMap<>();
        List<Map<String, Object>> secrets = new ArrayList<>();
        SortedMap<String, TreeSet<String>> markers = new TreeMap<>();
        List<String> from = new ArrayList<>(List.of(P + "age.keyFile", P + "defaultSopsFile", P + "defaultSopsFormat"));
        Map<String, String> passwordFiles = passwordFiles(config);
        for (String name : names) {
            Config.Scope s = config.scope("sops.secrets", name);
            String[] own = {s.name("sopsFile"), s.name("key"), s.name("format"), s.name("owner"), s.name("group"),
                    s.name("mode"), s.name("path"), s.name("restartUnits")};
            from.addAll(List.of(own));
            String where = s.str("sopsFile") != null ? s.name("sopsFile") : P + "defaultSopsFile";
            String written = s.str("sopsFile") != null ? s.str("sopsFile") : config.str(P + "defaultSopsFile");
            if (written == null) {
                errors.addAll(recipe.error("The secret `" + name + "' has no SOPS file: set sops.secrets." + name
                        + ".sopsFile or sops.defaultSopsFile.", own).errors());
                continue;
            }
            Path file = locate(written, config.definedAt(io.hostspec.module.OptionPath.parse(where)));
            if (!Files.isRegularFile(file)) {
                errors.addAll(recipe.error("The secret `" + name + "' reads the SOPS file " + written + ", which "
                        + "does not exist (looked at " + file + ").", where, s.name("sopsFile")).errors());
                continue;
            }
            String shown = shown(file);
            SopsFile sops;
            try {
                sops = files.computeIfAbsent(shown, k -> read(file, k));
            } catch (SecretsException e) {
                errors.addAll(recipe.error("The secret `" + name + "': " + e.getMessage(), where).errors());
                continue;
            }
            String format = s.str("format") != null ? s.str("format") : config.str(P + "defaultSopsFormat");
            String key = !s.str("key").isEmpty() ? s.str("key") : format.equals("binary") ? "data" : name;
            List<String> keyPath = List.of(key.split("/"));
            Optional<Object> value = sops.at(keyPath);
            if (value.isEmpty() || value.get() instanceof Map || value.get() instanceof List) {
                errors.addAll(recipe.error("The secret `" + name + "': " + (value.isEmpty() ? "the key `" + key
                        + "' is not in " + shown + " (its keys: " + String.join(", ", sops.tree().keySet()) + ")"
                        : "the key `" + key + "' of " + shown + " holds a table or list, not a value")
                        + ". Set sops.secrets." + name + ".key to the key that holds it.", s.name("key"), where)
                        .errors());
                continue;
            }
            if (!io.hostspec.secrets.SopsValue.isEncrypted(value.get())) {
                errors.addAll(recipe.error("The secret `" + name + "': the key `" + key + "' of " + shown
                        + " is not encrypted (a key ending in _unencrypted, or an empty value).", s.name("key"))
                        .errors());
                continue;
            }
            fileEntries.computeIfAbsent(shown, k -> Map.of("recipients", sops.recipients(),
                    "age", sops.ageStanzas().stream().map(SopsFile.AgeStanza::enc).toList()));
            String path = s.str("path");
            TreeSet<String> restart = new TreeSet<>(s.strings("restartUnits"));
            if (passwordFiles.containsValue(path) || passwordFiles.containsValue("/run/secrets/" + name)) {
                restart.add(UsersRealizer.PASSWORDS_UNIT);
            }
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", name);
            entry.put("file", shown);
            entry.put("key", key);
            entry.put("enc", value.get());
            entry.put("aad", SopsFile.additionalData(keyPath));
            entry.put("owner", s.str("owner"));
            entry.put("group", s.str("group"));
            entry.put("mode", s.str("mode"));
            entry.put("path", path);
            entry.put("restartUnits", List.copyOf(restart));
            secrets.add(entry);
            for (String unit : restart) {
                markers.computeIfAbsent(unit, u -> new TreeSet<>()).add(name + " " + sha256(value.get() + entry
                        .toString()));
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        String keyFile = config.str(P + "age.keyFile") != null ? config.str(P + "age.keyFile") : DEFAULT_KEY_FILE;
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("keyFile", keyFile);
        manifest.put("files", fileEntries);
        manifest.put("secrets", secrets);
        String[] fromAll = from.toArray(String[]::new);
        recipe.pkg("age", fromAll);
        recipe.pkg("python3-cryptography", fromAll);
        recipe.file(new Recipe.FileEntry(MANIFEST, json(manifest), "0400", "root", "root"), fromAll);
        recipe.file(new Recipe.FileEntry(INSTALLER, installer(), "0755", "root", "root"), fromAll);
        markers.forEach((unit, lines) -> recipe.file(RESTART_MARKERS + unit, String.join("\n", lines) + "\n",
                fromAll));
        recipe.unit(UNIT, "[Unit]\nDescription=Install the sops secrets into /run/secrets\n"
                + "ConditionPathExists=" + keyFile + "\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\n"
                + "ExecStart=" + INSTALLER + " " + MANIFEST + "\n", List.of(), false, fromAll);
    }

    /** For users with a hashedPasswordFile: the user and the file. */
    private static Map<String, String> passwordFiles(Config config) {
        Map<String, String> out = new TreeMap<>();
        for (String user : config.names("users.users")) {
            String f = config.scope("users.users", user).str("hashedPasswordFile");
            if (f != null) {
                out.put(user, f);
            }
        }
        return out;
    }

    private static SopsFile read(Path file, String shown) {
        try {
            return SopsFile.parse(shown, Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A relative path is relative to the folder of the file that defines it, else to the project root. */
    private static Path locate(String written, List<Provenance> definedAt) {
        Path p = Path.of(written);
        if (p.isAbsolute()) {
            return p.normalize();
        }
        Path root = root();
        for (Provenance d : definedAt) {
            Path definer = root.resolve(d.file()).normalize();
            Path candidate = definer.getParent() == null ? null : definer.getParent().resolve(p).normalize();
            if (candidate != null && Files.isRegularFile(candidate)) {
                return candidate;
            }
        }
        return root.resolve(p).normalize();
    }

    private static String shown(Path file) {
        Path root = root();
        return file.startsWith(root) ? root.relativize(file).toString() : file.toString();
    }

    // the project root as io.hostspec.host.Project finds it (realize cannot depend on host)
    private static Path root() {
        String r = System.getProperty("hostspec.root");
        if (r == null || r.isBlank()) {
            r = System.getenv("HOSTSPEC_ROOT");
        }
        if (r != null && !r.isBlank()) {
            return Path.of(r).toAbsolutePath().normalize();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("vm-images"))) {
                return p;
            }
        }
        return Path.of("").toAbsolutePath();
    }

    private static String installer() {
        try (InputStream in = SopsRealizer.class.getResourceAsStream("sops-install-secrets.py")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
