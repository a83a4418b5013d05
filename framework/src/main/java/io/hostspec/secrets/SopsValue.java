package io.hostspec.secrets;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One value of a SOPS file: {@code ENC[AES256_GCM,data:<b64>,iv:<b64>,tag:<b64>,type:<str|int|float|bool|...>]},
 * AES-256-GCM with a 32-byte IV under the file's data key, the value's key path ({@code a:b:}) as additional data.
 *
 * @param data the ciphertext without the tag
 * @param iv   the IV (32 bytes as sops writes it; any length is read)
 * @param tag  the 16-byte GCM tag
 * @param type the plaintext's type as sops names it
 */
public record SopsValue(byte[] data, byte[] iv, byte[] tag, String type) {

    private static final Pattern ENC = Pattern.compile("^ENC\\[AES256_GCM,data:(.+),iv:(.+),tag:(.+),type:(.+)]");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Whether a string is an encrypted sops value. */
    public static boolean isEncrypted(Object value) {
        return value instanceof String s && ENC.matcher(s).find();
    }

    /**
     * Parses an {@code ENC[...]} string.
     *
     * @throws IllegalArgumentException when it is not one
     */
    public static SopsValue parse(String text) {
        Matcher m = ENC.matcher(text);
        if (!m.find()) {
            throw new IllegalArgumentException("not a sops encrypted value (ENC[AES256_GCM,...])");
        }
        Base64.Decoder d = Base64.getDecoder();
        return new SopsValue(d.decode(m.group(1)), d.decode(m.group(2)), d.decode(m.group(3)), m.group(4));
    }

    /**
     * Encrypts a plaintext value as sops does: strings as they are, integers in decimal, booleans as {@code True} or
     * {@code False}, floats without trailing zeros. The empty string stays empty (sops does not encrypt it).
     *
     * @param value          a String, Long/Integer, Double or Boolean
     * @param dataKey        the file's 32-byte data key
     * @param additionalData the value's key path, e.g. {@code db:password:}
     * @return the {@code ENC[...]} string, or "" for the empty string
     */
    public static String encrypt(Object value, byte[] dataKey, String additionalData) {
        if ("".equals(value)) {
            return "";
        }
        String type = typeOf(value);
        byte[] plain = bytesOf(value);
        byte[] iv = new byte[32];
        RANDOM.nextBytes(iv);
        byte[] out = gcm(Cipher.ENCRYPT_MODE, dataKey, iv, additionalData, plain);
        Base64.Encoder e = Base64.getEncoder();
        return "ENC[AES256_GCM,data:" + e.encodeToString(Arrays.copyOf(out, out.length - 16)) + ",iv:"
                + e.encodeToString(iv) + ",tag:" + e.encodeToString(Arrays.copyOfRange(out, out.length - 16,
                out.length)) + ",type:" + type + "]";
    }

    /**
     * The plaintext bytes.
     *
     * @throws SecretsException when the data key or the additional data do not match (the tag does not verify)
     */
    public byte[] decryptBytes(byte[] dataKey, String additionalData) {
        byte[] in = Arrays.copyOf(data, data.length + tag.length);
        System.arraycopy(tag, 0, in, data.length, tag.length);
        return gcm(Cipher.DECRYPT_MODE, dataKey, iv, additionalData, in);
    }

    /** The plaintext as a typed value (String, Long, Double, Boolean), as sops reads it. */
    public Object decrypt(byte[] dataKey, String additionalData) {
        String s = new String(decryptBytes(dataKey, additionalData), StandardCharsets.UTF_8);
        return switch (type) {
            case "int", "int64" -> Long.parseLong(s);
            case "float" -> Double.parseDouble(s);
            case "bool" -> Boolean.parseBoolean(s);
            default -> s;
        };
    }

    /** The bytes sops hashes into its MAC and encrypts for a plaintext value. */
    static byte[] bytesOf(Object value) {
        String s;
        if (value instanceof Boolean b) {
            s = b ? "True" : "False";
        } else if (value instanceof Double d) {
            s = java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString(); // Go's FormatFloat 'f', -1
        } else if (value == null) {
            s = "";
        } else {
            s = String.valueOf(value);
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String typeOf(Object value) {
        if (value instanceof String) {
            return "str";
        }
        if (value instanceof Long || value instanceof Integer) {
            return "int";
        }
        if (value instanceof Double || value instanceof Float) {
            return "float";
        }
        if (value instanceof Boolean) {
            return "bool";
        }
        throw new IllegalArgumentException("sops encrypts strings, numbers and booleans, not "
                + value.getClass().getSimpleName());
    }

    private static byte[] gcm(int mode, byte[] key, byte[] iv, String aad, byte[] in) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(aad.getBytes(StandardCharsets.UTF_8));
            return c.doFinal(in);
        } catch (javax.crypto.AEADBadTagException e) {
            throw new SecretsException("the value at `" + aad + "' does not decrypt with this data key (AES-GCM "
                    + "authentication failed)");
        } catch (GeneralSecurityException e) {
            throw new SecretsException("AES-GCM failed: " + e.getMessage());
        }
    }
}
