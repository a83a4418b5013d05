package io.hostspec.secrets;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AgeTest {

    // RFC 7748 section 6.1: Alice's private key and public key
    @Test
    void x25519MatchesTheRfcVector() {
        byte[] alice = java.util.HexFormat.of().parseHex(
                "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
        byte[] pub = Age.x25519(alice, basepoint());
        assertEquals("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a",
                java.util.HexFormat.of().formatHex(pub));
    }

    @Test
    void roundTripsWithSeveralRecipientsAndChunks() {
        Age.Identity a = Age.Identity.generate();
        Age.Identity b = Age.Identity.generate();
        byte[] big = new byte[64 * 1024 * 2 + 5];
        new java.util.Random(1).nextBytes(big);
        for (byte[] plain : List.of(new byte[0], "hello".getBytes(StandardCharsets.UTF_8), big,
                new byte[64 * 1024])) {
            String armored = Age.encryptArmored(plain, List.of(a.recipient(), b.recipient()));
            assertArrayEquals(plain, Age.decrypt(armored.getBytes(StandardCharsets.US_ASCII), List.of(b)));
        }
        assertEquals(a.recipient(), Age.Identity.parse(a.encoded()).recipient(), "an identity survives its encoding");
    }

    @Test
    void aWrongIdentityIsRefused() {
        String armored = Age.encryptArmored(new byte[] {1, 2}, List.of(Age.Identity.generate().recipient()));
        Age.AgeException e = assertThrows(Age.AgeException.class, () -> Age.decrypt(
                armored.getBytes(StandardCharsets.US_ASCII), List.of(Age.Identity.generate())));
        assertTrue(e.getMessage().contains("no identity matched"), e.getMessage());
    }

    /** The real age command reads what this class writes, and this class reads what age writes. */
    @Test
    void interoperatesWithTheAgeCommand(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/age")), "the age command is not installed");
        Age.Identity id = Age.Identity.generate();
        Path key = Files.writeString(dir.resolve("key.txt"), "# test\n" + id.encoded() + "\n");
        Path enc = Files.writeString(dir.resolve("x.age"), Age.encryptArmored("ours".getBytes(),
                List.of(id.recipient())));
        Process p = new ProcessBuilder("age", "-d", "-i", key.toString(), enc.toString()).start();
        assertEquals("ours", new String(p.getInputStream().readAllBytes()));
        assertEquals(0, p.waitFor());
        Process q = new ProcessBuilder("age", "-a", "-r", id.recipient()).start();
        q.getOutputStream().write("theirs".getBytes());
        q.getOutputStream().close();
        byte[] theirs = q.getInputStream().readAllBytes();
        assertEquals(0, q.waitFor());
        assertEquals("theirs", new String(Age.decrypt(theirs, Age.identities(Files.readString(key)))));
    }

    private static byte[] basepoint() {
        byte[] b = new byte[32];
        b[0] = 9;
        return b;
    }
}
