package io.hostspec.image.internal;

import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The manifest of a cache entry: for every file its size and SHA-256, and a digest over that list so that a damaged
 * manifest is itself detected.
 *
 * @param kind    entry kind ({@code image} or {@code base})
 * @param hash    the content hash naming the entry
 * @param created ISO-8601 creation time (informational)
 * @param files   file name to size and checksum
 * @param digest  SHA-256 of the canonical JSON of {@code kind}, {@code hash} and {@code files}
 */
public record Manifest(String kind, String hash, String created, SortedMap<String, FileSum> files, String digest) {

    /** The manifest's file name inside an entry. */
    public static final String FILE_NAME = "manifest.json";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY, true)
            .configure(SerializationFeature.INDENT_OUTPUT, true)
            .build();

    /**
     * Size and checksum of one file.
     *
     * @param size   bytes
     * @param sha256 hex SHA-256 of the content
     */
    public record FileSum(long size, String sha256) {
    }

    /** Checksums every regular file directly in {@code dir} (except a manifest) and returns the manifest. */
    public static Manifest of(String kind, String hash, Path dir, String created) throws IOException {
        SortedMap<String, FileSum> files = new TreeMap<>();
        try (var stream = Files.list(dir)) {
            for (Path f : stream.sorted().toList()) {
                String name = f.getFileName().toString();
                if (Files.isRegularFile(f) && !name.equals(FILE_NAME)) {
                    files.put(name, new FileSum(Files.size(f), FileTrees.sha256(f)));
                }
            }
        }
        return new Manifest(kind, hash, created, files, digestOf(kind, hash, files));
    }

    /** Reads the manifest of an entry; empty when it is absent or not valid JSON. */
    public static Optional<Manifest> read(Path dir) {
        try {
            return Optional.of(JSON.readValue(dir.resolve(FILE_NAME).toFile(), Manifest.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Writes the manifest into an entry directory. */
    public void write(Path dir) throws IOException {
        Files.write(dir.resolve(FILE_NAME), JSON.writeValueAsString(this).getBytes(StandardCharsets.UTF_8));
    }

    /** Whether {@link #digest()} matches the content: false for a damaged or hand-edited manifest. */
    public boolean selfConsistent() {
        return files != null && digestOf(kind, hash, files).equals(digest);
    }

    private static String digestOf(String kind, String hash, SortedMap<String, FileSum> files) {
        try {
            return FileTrees.sha256(JSON.writeValueAsString(Map.of("kind", kind, "hash", hash, "files", files))
                    .getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
