package io.hostspec.secrets;

import io.hostspec.secrets.internal.Bech32;
import javax.crypto.Cipher;
import javax.crypto.KeyAgreement;
import javax.crypto.Mac;
import javax.crypto.spec.IvParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.security.spec.XECPrivateKeySpec;
import java.security.spec.XECPublicKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

/**
 * The age file format v1 (age-encryption.org/v1) with X25519 recipients, as sops uses it for its data keys:
 * encryption to recipients ({@code age1...}), decryption with identities ({@code AGE-SECRET-KEY-1...}), and the ASCII
 * armor. Files it writes are read by the {@code age} command and the other way round.
 */
public final class Age {

    private static final String INTRO = "age-encryption.org/v1";
    private static final String X25519_INFO = "age-encryption.org/v1/X25519";
    private static final String ARMOR_BEGIN = "-----BEGIN AGE ENCRYPTED FILE-----";
    private static final String ARMOR_END = "-----END AGE ENCRYPTED FILE-----";
    private static final int CHUNK = 64 * 1024;
    private static final byte[] BASEPOINT = basepoint();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder RAW = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder RAW_DECODER = Base64.getDecoder();

    private Age() {
    }

    /**
     * An X25519 identity: the private key and its recipient.
     *
     * @param secret the 32-byte scalar
     */
    public record Identity(byte[] secret) {

        /** A new random identity. */
        public static Identity generate() {
            byte[] k = new byte[32];
            RANDOM.nextBytes(k);
            return new Identity(k);
        }

        /**
         * Parses {@code AGE-SECRET-KEY-1...}.
         *
         * @throws IllegalArgumentException when it is not an age X25519 secret key
         */
        public static Identity parse(String text) {
            byte[] k = Bech32.decode("age-secret-key-", text.strip());
            if (k.length != 32) {
                throw new IllegalArgumentException("an age secret key holds 32 bytes, this one " + k.length);
            }
            return new Identity(k);
        }

        /** The identity as age writes it, {@code AGE-SECRET-KEY-1...}. */
        public String encoded() {
            return Bech32.encode("age-secret-key-", secret).toUpperCase(java.util.Locale.ROOT);
        }

        /** The recipient ({@code age1...}) files for this identity are encrypted to. */
        public String recipient() {
            return Bech32.encode("age", x25519(secret, BASEPOINT));
        }
    }

    /**
     * Reads the identities of an age key file: one {@code AGE-SECRET-KEY-1...} per line, {@code #} comments.
     *
     * @throws IllegalArgumentException when a line is neither
     */
    public static List<Identity> identities(String keyFile) {
        List<Identity> out = new ArrayList<>();
        int n = 0;
        for (String line : keyFile.split("\n")) {
            n++;
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            try {
                out.add(Identity.parse(l));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + n + " of the age key file is not an age secret key ("
                        + e.getMessage() + ")");
            }
        }
        return out;
    }

    /**
     * Encrypts to age recipients and armors the result, as sops stores a data key.
     *
     * @throws IllegalArgumentException when a recipient is not an {@code age1...} X25519 recipient
     */
    public static String encryptArmored(byte[] plaintext, List<String> recipients) {
        return armor(encrypt(plaintext, recipients));
    }

    /** Encrypts to age recipients (binary age format). */
    public static byte[] encrypt(byte[] plaintext, List<String> recipients) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("no age recipient to encrypt to");
        }
        byte[] fileKey = random(16);
        StringBuilder header = new StringBuilder(INTRO).append('\n');
        for (String r : recipients) {
            byte[] pub = Bech32.decode("age", r.strip());
            if (pub.length != 32) {
                throw new IllegalArgumentException("not an age X25519 recipient: " + r);
            }
            byte[] ephemeral = random(32);
            byte[] share = x25519(ephemeral, BASEPOINT);
            byte[] shared = x25519(ephemeral, pub);
            byte[] wrapKey = hkdf(shared, concat(share, pub), X25519_INFO);
            byte[] body = chacha(true, wrapKey, new byte[12], fileKey);
            header.append("-> X25519 ").append(RAW.encodeToString(share)).append('\n')
                    .append(wrap(RAW.encodeToString(body))).append('\n');
        }
        header.append("---");
        byte[] mac = hmac(hkdf(fileKey, new byte[0], "header"), header.toString().getBytes(StandardCharsets.US_ASCII));
        header.append(' ').append(RAW.encodeToString(mac)).append('\n');
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header.toString().getBytes(StandardCharsets.US_ASCII));
        byte[] nonce = random(16);
        out.writeBytes(nonce);
        byte[] payloadKey = hkdf(fileKey, nonce, "payload");
        int chunks = Math.max(1, (plaintext.length + CHUNK - 1) / CHUNK);
        for (int i = 0; i < chunks; i++) {
            byte[] chunk = Arrays.copyOfRange(plaintext, i * CHUNK, Math.min(plaintext.length, (i + 1) * CHUNK));
            out.writeBytes(chacha(true, payloadKey, streamNonce(i, i == chunks - 1), chunk));
        }
        return out.toByteArray();
    }

    /**
     * Decrypts an age file (binary or armored) with the first identity that opens one of its X25519 stanzas.
     *
     * @throws AgeException when no identity matches, or the file is damaged or not age
     */
    public static byte[] decrypt(byte[] file, List<Identity> identities) {
        byte[] data = file;
        String start = new String(file, 0, Math.min(file.length, 64), StandardCharsets.US_ASCII).stripLeading();
        if (start.startsWith(ARMOR_BEGIN)) {
            data = dearmor(new String(file, StandardCharsets.US_ASCII));
        }
        int headerEnd = indexOf(data, "\n---".getBytes(StandardCharsets.US_ASCII));
        if (!new String(data, 0, Math.min(data.length, INTRO.length()), StandardCharsets.US_ASCII).equals(INTRO)
                || headerEnd < 0) {
            throw new AgeException("not an age file (no age-encryption.org/v1 header)");
        }
        int macLineEnd = indexOf(data, new byte[] {'\n'}, headerEnd + 4);
        if (macLineEnd < 0) {
            throw new AgeException("the age header has no MAC line");
        }
        String header = new String(data, 0, headerEnd + 4, StandardCharsets.US_ASCII);
        String macText = new String(data, headerEnd + 4, macLineEnd - headerEnd - 4, StandardCharsets.US_ASCII)
                .strip();
        String[] lines = header.split("\n");
        byte[] fileKey = null;
        for (int i = 1; i < lines.length - 1 && fileKey == null; i++) {
            if (!lines[i].startsWith("-> ")) {
                continue;
            }
            String[] args = lines[i].substring(3).split(" ");
            StringBuilder body = new StringBuilder();
            int j = i + 1;
            while (j < lines.length - 1 && !lines[j].startsWith("-> ")) {
                body.append(lines[j]);
                j++;
            }
            if (!args[0].equals("X25519") || args.length != 2) {
                continue;
            }
            byte[] share = RAW_DECODER.decode(args[1]);
            byte[] wrapped = RAW_DECODER.decode(body.toString());
            for (Identity id : identities) {
                try {
                    byte[] shared = x25519(id.secret(), share);
                    byte[] pub = x25519(id.secret(), BASEPOINT);
                    fileKey = chacha(false, hkdf(shared, concat(share, pub), X25519_INFO), new byte[12], wrapped);
                    break;
                } catch (AgeException e) {
                    // not this identity's stanza
                }
            }
        }
        if (fileKey == null) {
            throw new AgeException("no identity matched any of the recipients");
        }
        byte[] mac = hmac(hkdf(fileKey, new byte[0], "header"), header.getBytes(StandardCharsets.US_ASCII));
        if (!MessageDigest.isEqual(mac, RAW_DECODER.decode(macText))) {
            throw new AgeException("bad header MAC");
        }
        int p = macLineEnd + 1;
        if (data.length < p + 16) {
            throw new AgeException("the age payload is truncated");
        }
        byte[] payloadKey = hkdf(fileKey, Arrays.copyOfRange(data, p, p + 16), "payload");
        p += 16;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; ; i++) {
            int end = Math.min(data.length, p + CHUNK + 16);
            boolean last = end == data.length;
            out.writeBytes(chacha(false, payloadKey, streamNonce(i, last), Arrays.copyOfRange(data, p, end)));
            p = end;
            if (last) {
                return out.toByteArray();
            }
        }
    }

    /** The ASCII armor of an age file, as {@code age -a} writes it. */
    public static String armor(byte[] file) {
        String b64 = Base64.getEncoder().encodeToString(file);
        StringBuilder b = new StringBuilder(ARMOR_BEGIN).append('\n');
        for (int i = 0; i < b64.length(); i += 64) {
            b.append(b64, i, Math.min(b64.length(), i + 64)).append('\n');
        }
        return b.append(ARMOR_END).append('\n').toString();
    }

    private static byte[] dearmor(String text) {
        String t = text.strip();
        if (!t.endsWith(ARMOR_END)) {
            throw new AgeException("the armored age file does not end with " + ARMOR_END);
        }
        String body = t.substring(ARMOR_BEGIN.length(), t.length() - ARMOR_END.length()).replaceAll("\\s+", "");
        try {
            return Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new AgeException("the armored age file is not base64: " + e.getMessage());
        }
    }

    private static String wrap(String b64) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < b64.length(); i += 64) {
            if (i > 0) {
                b.append('\n');
            }
            b.append(b64, i, Math.min(b64.length(), i + 64));
        }
        if (b64.length() % 64 == 0) {
            b.append('\n'); // a body whose last line is full ends with an empty line
        }
        return b.toString();
    }

    private static byte[] streamNonce(long counter, boolean last) {
        byte[] n = new byte[12];
        for (int i = 10; i >= 0 && counter != 0; i--) {
            n[i] = (byte) counter;
            counter >>>= 8;
        }
        n[11] = (byte) (last ? 1 : 0);
        return n;
    }

    private static byte[] chacha(boolean encrypt, byte[] key, byte[] nonce, byte[] in) {
        try {
            Cipher c = Cipher.getInstance("ChaCha20-Poly1305");
            c.init(encrypt ? Cipher.ENCRYPT_MODE : Cipher.DECRYPT_MODE, new SecretKeySpec(key, "ChaCha20"),
                    new IvParameterSpec(nonce));
            return c.doFinal(in);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new AgeException("authentication failed");
        } catch (GeneralSecurityException e) {
            throw new AgeException("ChaCha20-Poly1305 failed: " + e.getMessage());
        }
    }

    static byte[] hkdf(byte[] ikm, byte[] salt, String info) {
        byte[] prk = hmac(salt.length == 0 ? new byte[32] : salt, ikm);
        return hmac(prk, concat(info.getBytes(StandardCharsets.US_ASCII), new byte[] {1}));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** X25519(scalar, u) with RFC 7748 little-endian encodings, through the JDK's XDH provider. */
    static byte[] x25519(byte[] scalar, byte[] u) {
        try {
            KeyFactory kf = KeyFactory.getInstance("XDH");
            PrivateKey priv = kf.generatePrivate(new XECPrivateKeySpec(NamedParameterSpec.X25519, scalar.clone()));
            byte[] be = u.clone();
            be[31] &= 0x7f;
            reverse(be);
            PublicKey pub = kf.generatePublic(new XECPublicKeySpec(NamedParameterSpec.X25519, new BigInteger(1, be)));
            KeyAgreement ka = KeyAgreement.getInstance("XDH");
            ka.init(priv);
            ka.doPhase(pub, true);
            return ka.generateSecret();
        } catch (GeneralSecurityException e) {
            throw new AgeException("X25519 failed: " + e.getMessage());
        }
    }

    private static byte[] basepoint() {
        byte[] b = new byte[32];
        b[0] = 9;
        return b;
    }

    private static void reverse(byte[] b) {
        for (int i = 0, j = b.length - 1; i < j; i++, j--) {
            byte t = b[i];
            b[i] = b[j];
            b[j] = t;
        }
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        RANDOM.nextBytes(b);
        return b;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static int indexOf(byte[] data, byte[] needle) {
        return indexOf(data, needle, 0);
    }

    private static int indexOf(byte[] data, byte[] needle, int from) {
        outer:
        for (int i = from; i <= data.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** An age file that cannot be decrypted: no matching identity, a bad MAC, a damaged file. */
    public static final class AgeException extends RuntimeException {
        AgeException(String message) {
            super(message);
        }
    }
}
