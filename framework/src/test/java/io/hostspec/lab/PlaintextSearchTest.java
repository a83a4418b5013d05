package io.hostspec.lab;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PlaintextSearchTest {

    /** A plaintext put into an "image" is found, also across the search's block boundary; a clean tree is clean. */
    @Test
    void findsThePlaintextWhereverItIs(@TempDir Path dir) throws Exception {
        String secret = "laptop-api-token-1f0c7e9a";
        Path image = Files.createDirectories(dir.resolve("images/abc"));
        Path run = Files.createDirectories(dir.resolve("run/laptop"));
        Files.write(image.resolve("disk.qcow2"), new byte[3 << 20]);
        Files.writeString(run.resolve("console.log"), "booted\n");
        List<Path> roots = List.of(dir.resolve("images"), dir.resolve("run"), dir.resolve("missing"));
        assertEquals(List.of(), PlaintextSearch.filesContaining(roots, secret));

        byte[] leaky = new byte[3 << 20];
        byte[] s = secret.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(s, 0, leaky, (1 << 20) - 7, s.length); // straddles the first 1 MiB block
        Files.write(image.resolve("disk.qcow2"), leaky);
        assertEquals(List.of(image.resolve("disk.qcow2")), PlaintextSearch.filesContaining(roots, secret));
    }
}
