package io.hostspec.realize;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The value of a unit's {@code X-Reload-Triggers=} (or {@code X-Restart-Triggers=}) key, as NixOS writes them: a
 * digest of the files the service reads, so that a change of one of them changes the unit and a switch reloads (or
 * restarts) it, while an unchanged configuration leaves it untouched.
 */
final class ReloadTriggers {

    private ReloadTriggers() {
    }

    /** The first 16 hex digits of the SHA-256 of the texts, each followed by a NUL so that boundaries count. */
    static String of(String... texts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String t : texts) {
                md.update(t.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
