package io.hostspec.secrets;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SopsFileTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path KEYS = ROOT.resolve("vm-images/secrets/test-keys");

    private static List<Age.Identity> key(String name) {
        return SopsConfig.identities(Optional.of(KEYS.resolve(name + ".agekey")), Map.of());
    }

    /** The committed example files decrypt with the committed test key, MAC checked. */
    @Test
    void theCommittedFilesDecryptWithTheTestKey() throws Exception {
        SopsFile yaml = SopsFile.parse("laptop.yaml", Files.readString(ROOT.resolve("vm-images/secrets/laptop.yaml")));
        Map<String, Object> plain = yaml.decrypt(key("laptop"));
        assertEquals("laptop-api-token-1f0c7e9a", ((Map<?, ?>) plain.get("api")).get("token"));
        assertTrue(String.valueOf(plain.get("alice-password")).startsWith("$6$"));
        assertEquals("https://api.example.test", ((Map<?, ?>) yaml.tree().get("api")).get("endpoint_unencrypted"),
                "a key with the unencrypted suffix stays plaintext");
        SopsFile json = SopsFile.parse("service.json", Files.readString(ROOT.resolve("vm-images/secrets/service.json")));
        Map<String, Object> p = json.decrypt(key("laptop"));
        assertEquals(Map.of("password", "db-password-8d41b2", "port", 5432L), p.get("db"));
        assertEquals(false, p.get("debug"));
    }

    @Test
    void roundTripsEveryTypeInBothFormats() {
        Map<String, Object> plain = new LinkedHashMap<>();
        plain.put("s", "x");
        plain.put("n", 42L);
        plain.put("f", 1.5);
        plain.put("b", true);
        plain.put("empty", "");
        plain.put("list", List.of("a", "b"));
        plain.put("nested", Map.of("deep", "v"));
        Age.Identity id = Age.Identity.generate();
        for (SopsFile.Format format : SopsFile.Format.values()) {
            String name = format == SopsFile.Format.JSON ? "x.json" : "x.yaml";
            String text = SopsFile.encrypt(format, plain, List.of(id.recipient()), Instant.now()).render();
            assertTrue(!text.contains("\"v\"") && !text.contains(": v"), text);
            assertEquals(plain, SopsFile.parse(name, text).decrypt(List.of(id)), text);
        }
    }

    @Test
    void aWrongKeyNamesTheRecipients() {
        SecretsException e = assertThrows(SecretsException.class, () -> SopsFile.parse("laptop.yaml",
                Files.readString(ROOT.resolve("vm-images/secrets/laptop.yaml"))).decrypt(key("wrong")));
        assertTrue(e.getMessage().contains("age1zqehd76dgxvt9gnzxyw48gke2624cspnu7m93gvprn2u208t2y8qk7hzck"),
                e.getMessage());
    }

    /** A value moved to another key does not decrypt there (its key path is authenticated), and the MAC notices edits. */
    @Test
    void valuesAreBoundToTheirKeyAndTheMacToTheWholeFile() {
        Age.Identity id = Age.Identity.generate();
        Map<String, Object> plain = new LinkedHashMap<>(Map.of("a", "1", "b", "2"));
        SopsFile f = SopsFile.encrypt(SopsFile.Format.YAML, plain, List.of(id.recipient()), Instant.now());
        Map<String, Object> swapped = new LinkedHashMap<>(f.tree());
        swapped.put("a", f.tree().get("b"));
        SecretsException moved = assertThrows(SecretsException.class,
                () -> new SopsFile(f.format(), swapped, f.metadata()).decrypt(List.of(id)));
        assertTrue(moved.getMessage().contains("`a:'"), moved.getMessage());
        Map<String, Object> dropped = new LinkedHashMap<>(f.tree());
        dropped.remove("b");
        SecretsException mac = assertThrows(SecretsException.class,
                () -> new SopsFile(f.format(), dropped, f.metadata()).decrypt(List.of(id)));
        assertTrue(mac.getMessage().contains("MAC mismatch"), mac.getMessage());
    }

    @Test
    void creationRulesOfTheNearestSopsYamlGiveTheRecipients() {
        assertEquals(List.of("age1zqehd76dgxvt9gnzxyw48gke2624cspnu7m93gvprn2u208t2y8qk7hzck"),
                SopsConfig.recipientsFor(ROOT.resolve("vm-images/secrets/new.yaml")));
        assertEquals(List.of(), SopsConfig.recipientsFor(ROOT.resolve("vm-images/hosts/x.yaml")));
    }
}
