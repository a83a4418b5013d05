package io.hostspec.secrets.internal;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/** Bech32 (BIP 173) without a length limit, as age writes its keys: {@code age1...}, {@code AGE-SECRET-KEY-1...}. */
public final class Bech32 {

    private static final String CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";
    private static final int[] GENERATOR = {0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3};

    private Bech32() {
    }

    /** Encodes bytes with a human-readable part, lower case. */
    public static String encode(String hrp, byte[] data) {
        String h = hrp.toLowerCase(Locale.ROOT);
        byte[] values = convert(data, 8, 5, true);
        byte[] checksum = checksum(h, values);
        StringBuilder b = new StringBuilder(h).append('1');
        for (byte v : values) {
            b.append(CHARSET.charAt(v));
        }
        for (byte v : checksum) {
            b.append(CHARSET.charAt(v));
        }
        return b.toString();
    }

    /**
     * Decodes a Bech32 string whose human-readable part must be {@code hrp} (case-insensitive).
     *
     * @throws IllegalArgumentException when it is not valid Bech32 or has another prefix
     */
    public static byte[] decode(String hrp, String text) {
        String s = text.strip();
        if (!s.equals(s.toLowerCase(Locale.ROOT)) && !s.equals(s.toUpperCase(Locale.ROOT))) {
            throw new IllegalArgumentException("mixed case in a Bech32 string");
        }
        s = s.toLowerCase(Locale.ROOT);
        int sep = s.lastIndexOf('1');
        if (sep < 1 || !s.substring(0, sep).equals(hrp.toLowerCase(Locale.ROOT)) || s.length() - sep - 1 < 6) {
            throw new IllegalArgumentException("not a Bech32 string with the prefix " + hrp);
        }
        byte[] values = new byte[s.length() - sep - 1];
        for (int i = 0; i < values.length; i++) {
            int v = CHARSET.indexOf(s.charAt(sep + 1 + i));
            if (v < 0) {
                throw new IllegalArgumentException("invalid Bech32 character '" + s.charAt(sep + 1 + i) + "'");
            }
            values[i] = (byte) v;
        }
        String h = s.substring(0, sep);
        if (polymod(expand(h, values)) != 1) {
            throw new IllegalArgumentException("bad Bech32 checksum");
        }
        byte[] data = new byte[values.length - 6];
        System.arraycopy(values, 0, data, 0, data.length);
        return convert(data, 5, 8, false);
    }

    private static byte[] checksum(String hrp, byte[] values) {
        byte[] enc = new byte[values.length + 6];
        System.arraycopy(values, 0, enc, 0, values.length);
        int mod = polymod(expand(hrp, enc)) ^ 1;
        byte[] out = new byte[6];
        for (int i = 0; i < 6; i++) {
            out[i] = (byte) ((mod >>> (5 * (5 - i))) & 31);
        }
        return out;
    }

    private static byte[] expand(String hrp, byte[] values) {
        byte[] out = new byte[hrp.length() * 2 + 1 + values.length];
        for (int i = 0; i < hrp.length(); i++) {
            out[i] = (byte) (hrp.charAt(i) >> 5);
            out[i + hrp.length() + 1] = (byte) (hrp.charAt(i) & 31);
        }
        System.arraycopy(values, 0, out, hrp.length() * 2 + 1, values.length);
        return out;
    }

    private static int polymod(byte[] values) {
        int chk = 1;
        for (byte v : values) {
            int top = chk >>> 25;
            chk = ((chk & 0x1ffffff) << 5) ^ v;
            for (int i = 0; i < 5; i++) {
                if (((top >>> i) & 1) == 1) {
                    chk ^= GENERATOR[i];
                }
            }
        }
        return chk;
    }

    private static byte[] convert(byte[] data, int from, int to, boolean pad) {
        int acc = 0;
        int bits = 0;
        int max = (1 << to) - 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte b : data) {
            acc = (acc << from) | (b & 0xff);
            bits += from;
            while (bits >= to) {
                bits -= to;
                out.write((acc >>> bits) & max);
            }
        }
        if (pad && bits > 0) {
            out.write((acc << (to - bits)) & max);
        } else if (!pad && (bits >= from || ((acc << (to - bits)) & max) != 0)) {
            throw new IllegalArgumentException("invalid Bech32 padding");
        }
        return out.toByteArray();
    }
}
