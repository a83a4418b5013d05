package io.hostspec.secrets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where keys come from, as the sops tool finds them: the recipients of a new file from the first
 * {@code creation_rules} entry of the nearest {@code .sops.yaml} whose {@code path_regex} matches, and the age
 * identities from {@code SOPS_AGE_KEY}, {@code SOPS_AGE_KEY_FILE} or {@code ~/.config/sops/age/keys.txt}.
 */
public final class SopsConfig {

    private static final ObjectMapper YAML = new YAMLMapper();

    private SopsConfig() {
    }

    /**
     * The age recipients of the first creation rule of the nearest {@code .sops.yaml} (searched from the file's folder
     * up) whose {@code path_regex} matches the file's path relative to that folder (or is absent).
     *
     * @return empty when there is no .sops.yaml or no rule matches
     * @throws SecretsException when the .sops.yaml does not parse
     */
    public static List<String> recipientsFor(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        for (Path dir = abs.getParent(); dir != null; dir = dir.getParent()) {
            Path config = dir.resolve(".sops.yaml");
            if (Files.isRegularFile(config)) {
                return rules(config, dir.relativize(abs).toString());
            }
        }
        return List.of();
    }

    private static List<String> rules(Path config, String relative) {
        Object doc;
        try {
            doc = YAML.readValue(Files.readString(config), Object.class);
        } catch (IOException e) {
            throw new SecretsException(config + " does not parse: " + e.getMessage(), e);
        }
        if (!(doc instanceof Map<?, ?> m) || !(m.get("creation_rules") instanceof List<?> rules)) {
            return List.of();
        }
        for (Object r : rules) {
            if (!(r instanceof Map<?, ?> rule)) {
                continue;
            }
            Object regex = rule.get("path_regex");
            if (regex != null && !Pattern.compile(String.valueOf(regex)).matcher(relative).find()) {
                continue;
            }
            Object age = rule.get("age");
            List<String> out = new ArrayList<>();
            if (age instanceof String s) {
                Arrays.stream(s.split(",")).map(String::strip).filter(x -> !x.isEmpty()).forEach(out::add);
            } else if (age instanceof List<?> l) {
                l.forEach(x -> out.add(String.valueOf(x).strip()));
            }
            return out;
        }
        return List.of();
    }

    /**
     * The age identities sops would use: {@code keyFile} when given, else {@code SOPS_AGE_KEY} (the keys
     * themselves), {@code SOPS_AGE_KEY_FILE}, or {@code ~/.config/sops/age/keys.txt}.
     *
     * @throws SecretsException when none of them exists or a key does not parse
     */
    public static List<Age.Identity> identities(Optional<Path> keyFile, Map<String, String> env) {
        String text;
        String from;
        try {
            if (keyFile.isPresent()) {
                from = keyFile.get().toString();
                text = Files.readString(keyFile.get());
            } else if (env.get("SOPS_AGE_KEY") != null) {
                from = "SOPS_AGE_KEY";
                text = env.get("SOPS_AGE_KEY");
            } else if (env.get("SOPS_AGE_KEY_FILE") != null) {
                from = env.get("SOPS_AGE_KEY_FILE");
                text = Files.readString(Path.of(from));
            } else {
                Path home = Path.of(env.getOrDefault("HOME", System.getProperty("user.home")),
                        ".config/sops/age/keys.txt");
                from = home.toString();
                if (!Files.isRegularFile(home)) {
                    throw new SecretsException("no age key: give --key FILE, or set SOPS_AGE_KEY_FILE, or put the "
                            + "key into " + home);
                }
                text = Files.readString(home);
            }
        } catch (IOException e) {
            throw new SecretsException("cannot read the age key: " + e.getMessage(), e);
        }
        try {
            List<Age.Identity> ids = Age.identities(text);
            if (ids.isEmpty()) {
                throw new SecretsException(from + " holds no age secret key (AGE-SECRET-KEY-1...)");
            }
            return ids;
        } catch (IllegalArgumentException e) {
            throw new SecretsException(from + ": " + e.getMessage(), e);
        }
    }
}
