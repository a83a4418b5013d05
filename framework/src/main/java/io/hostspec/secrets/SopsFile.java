package io.hostspec.secrets;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A SOPS file (YAML or JSON) with age recipients, as the sops tool writes and reads it: every value encrypted on its
 * own ({@link SopsValue}) with its key path as additional data, the data key age-encrypted per recipient under
 * {@code sops.age[]}, the MAC (SHA-512 of every plaintext value, encrypted with {@code lastmodified} as additional
 * data) in {@code sops.mac}. Keys ending in {@code sops.unencrypted_suffix} stay plaintext, as in sops. Immutable.
 *
 * @param format   the file's format
 * @param tree     the encrypted tree without the {@code sops} metadata, in file order
 * @param metadata the {@code sops} table as read
 */
public record SopsFile(Format format, Map<String, Object> tree, Map<String, Object> metadata) {

    /** The sops version written into files this class creates; sops 3.7 and later read them. */
    public static final String VERSION = "3.8.1";
    private static final String DEFAULT_UNENCRYPTED_SUFFIX = "_unencrypted";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The formats of SOPS files hostspec reads and writes. */
    public enum Format {
        /** A YAML document. */
        YAML,
        /** A JSON object. */
        JSON;

        /** The format of a file by its name: .json is JSON, everything else YAML (as sops decides). */
        public static Format of(String fileName) {
            return fileName.endsWith(".json") ? JSON : YAML;
        }

        ObjectMapper mapper() {
            return this == JSON ? JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build()
                    : new YAMLMapper(YAMLFactory.builder().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE).build());
        }
    }

    /** One age recipient's copy of the data key: {@code sops.age[].{recipient, enc}}. */
    public record AgeStanza(String recipient, String enc) {
    }

    /**
     * Parses the text of a SOPS file.
     *
     * @param name the file name for messages (and the format: .json is JSON)
     * @throws SecretsException when it is not YAML/JSON or has no {@code sops} metadata
     */
    @SuppressWarnings("unchecked")
    public static SopsFile parse(String name, String text) {
        Format format = Format.of(name);
        Object doc;
        try {
            doc = format.mapper().readValue(text, Object.class);
        } catch (JsonProcessingException e) {
            throw new SecretsException(name + " is not a " + format + " document: " + e.getOriginalMessage());
        }
        if (!(doc instanceof Map<?, ?> map) || !(map.get("sops") instanceof Map<?, ?> meta)) {
            throw new SecretsException(name + " is not a SOPS file: it has no `sops' metadata (encrypt it with "
                    + "./hostspec secrets encrypt " + name + ")");
        }
        Map<String, Object> tree = new LinkedHashMap<>((Map<String, Object>) map);
        tree.remove("sops");
        return new SopsFile(format, tree, (Map<String, Object>) meta);
    }

    /** The data key's age copies, one per recipient. */
    @SuppressWarnings("unchecked")
    public List<AgeStanza> ageStanzas() {
        List<AgeStanza> out = new ArrayList<>();
        if (metadata.get("age") instanceof List<?> list) {
            for (Object o : list) {
                if (o instanceof Map<?, ?> m && m.get("recipient") instanceof String r && m.get("enc") instanceof String e) {
                    out.add(new AgeStanza(r, e));
                }
            }
        }
        return out;
    }

    /**
     * The data key, opened with the first identity that matches one of {@link #ageStanzas()}.
     *
     * @throws SecretsException naming the recipients when no identity matches
     */
    public byte[] dataKey(List<Age.Identity> identities) {
        List<AgeStanza> stanzas = ageStanzas();
        for (AgeStanza s : stanzas) {
            try {
                return Age.decrypt(s.enc().getBytes(StandardCharsets.US_ASCII), identities);
            } catch (Age.AgeException e) {
                // try the next recipient
            }
        }
        throw new SecretsException("no age key given can decrypt the data key; the file is encrypted to "
                + (stanzas.isEmpty() ? "no age recipient" : String.join(", ",
                stanzas.stream().map(AgeStanza::recipient).toList())));
    }

    /** The encrypted value (or plaintext, for unencrypted keys) at a key path, e.g. {@code ["db", "password"]}. */
    public Optional<Object> at(List<String> path) {
        Object node = tree;
        for (String key : path) {
            if (!(node instanceof Map<?, ?> m) || !m.containsKey(key)) {
                return Optional.empty();
            }
            node = m.get(key);
        }
        return Optional.ofNullable(node);
    }

    /** The additional data sops binds a value to: its key path joined with ':' and a trailing ':'. */
    public static String additionalData(List<String> path) {
        return String.join(":", path) + ":";
    }

    /**
     * Decrypts every value and checks the MAC, as {@code sops -d} does.
     *
     * @return the plaintext tree in file order
     * @throws SecretsException when no identity matches, a value does not decrypt, or the MAC does not match
     */
    public Map<String, Object> decrypt(List<Age.Identity> identities) {
        byte[] key = dataKey(identities);
        MessageDigest mac = sha512();
        @SuppressWarnings("unchecked")
        Map<String, Object> plain = (Map<String, Object>) walk(tree, new ArrayList<>(), false, (v, path, skip) -> {
            Object out = skip || !(v instanceof String s) || s.isEmpty() ? v
                    : SopsValue.parse(s).decrypt(key, additionalData(path));
            mac.update(SopsValue.bytesOf(out));
            return out;
        });
        Object storedMac = metadata.get("mac");
        String lastModified = String.valueOf(metadata.get("lastmodified"));
        if (!(storedMac instanceof String m) || !SopsValue.isEncrypted(m)) {
            throw new SecretsException("the file has no sops.mac; it was not written by sops");
        }
        String expected = String.valueOf(SopsValue.parse(m).decrypt(key, lastModified));
        String actual = HexFormat.of().withUpperCase().formatHex(mac.digest());
        if (!MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                actual.getBytes(StandardCharsets.US_ASCII))) {
            throw new SecretsException("MAC mismatch: the file was changed without sops (a value was edited, added "
                    + "or removed)");
        }
        return plain;
    }

    /**
     * Encrypts a plaintext tree for age recipients as a new SOPS file, as {@code sops -e} does.
     *
     * @param plain      the plaintext tree (strings, numbers, booleans, nested tables and lists)
     * @param recipients age recipients ({@code age1...}), at least one
     * @param now        the {@code lastmodified} time
     */
    public static SopsFile encrypt(Format format, Map<String, Object> plain, List<String> recipients, Instant now) {
        if (recipients.isEmpty()) {
            throw new SecretsException("no age recipient: give --age RECIPIENT or a .sops.yaml creation rule with age");
        }
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        MessageDigest mac = sha512();
        @SuppressWarnings("unchecked")
        Map<String, Object> tree = (Map<String, Object>) walk(plain, new ArrayList<>(), false, (v, path, skip) -> {
            mac.update(SopsValue.bytesOf(v));
            return skip || v == null ? v : SopsValue.encrypt(v, key, additionalData(path));
        });
        String lastModified = DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS)
                .atOffset(ZoneOffset.UTC).toInstant());
        Map<String, Object> meta = new LinkedHashMap<>();
        List<Map<String, Object>> age = new ArrayList<>();
        for (String r : recipients) {
            Map<String, Object> stanza = new LinkedHashMap<>();
            stanza.put("recipient", r);
            stanza.put("enc", Age.encryptArmored(key, List.of(r)));
            age.add(stanza);
        }
        meta.put("age", age);
        meta.put("lastmodified", lastModified);
        meta.put("mac", SopsValue.encrypt(HexFormat.of().withUpperCase().formatHex(mac.digest()), key, lastModified));
        meta.put("unencrypted_suffix", DEFAULT_UNENCRYPTED_SUFFIX);
        meta.put("version", VERSION);
        return new SopsFile(format, tree, meta);
    }

    /** The recipients the data key is encrypted to. */
    public List<String> recipients() {
        return ageStanzas().stream().map(AgeStanza::recipient).toList();
    }

    /** The tree alone, without metadata, in the file's format: what {@code sops -d} prints. */
    public String renderPlain() {
        try {
            String text = format.mapper().writeValueAsString(tree);
            return text.endsWith("\n") ? text : text + "\n";
        } catch (JsonProcessingException e) {
            throw new SecretsException("cannot write the file: " + e.getOriginalMessage(), e);
        }
    }

    /** The file's text in its format, the {@code sops} metadata last. */
    public String render() {
        Map<String, Object> doc = new LinkedHashMap<>(tree);
        doc.put("sops", metadata);
        try {
            String text = format.mapper().writeValueAsString(doc);
            return text.endsWith("\n") ? text : text + "\n";
        } catch (JsonProcessingException e) {
            throw new SecretsException("cannot write the SOPS file: " + e.getOriginalMessage(), e);
        }
    }

    @FunctionalInterface
    private interface Leaf {
        Object apply(Object value, List<String> path, boolean unencrypted);
    }

    // Visits leaves in file order; the path holds table keys only (list items share their list's path), as in sops.
    private static Object walk(Object node, List<String> path, boolean unencrypted, Leaf leaf) {
        if (node instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : m.entrySet()) {
                String k = String.valueOf(e.getKey());
                path.add(k);
                out.put(k, walk(e.getValue(), path, unencrypted || k.endsWith(DEFAULT_UNENCRYPTED_SUFFIX), leaf));
                path.remove(path.size() - 1);
            }
            return out;
        }
        if (node instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            for (Object o : l) {
                out.add(walk(o, path, unencrypted, leaf));
            }
            return out;
        }
        if (node instanceof Integer i) {
            return leaf.apply(i.longValue(), List.copyOf(path), unencrypted);
        }
        return leaf.apply(node, List.copyOf(path), unencrypted);
    }

    private static MessageDigest sha512() {
        try {
            return MessageDigest.getInstance("SHA-512");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
