package io.hostspec.junit.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A Nix module written inline in Java, as a file of its own: the Nix front end reads modules from files. The file is
 * named by the hash of its text, so the same text is the same module (and the same cached evaluation) every time.
 */
public final class InlineNix {

    private InlineNix() {
    }

    /** The file holding this text, written once (atomically) under {@code java.io.tmpdir/hostspec-inline}. */
    public static Path file(String text) {
        try {
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
            String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            Path dir = Path.of(System.getProperty("java.io.tmpdir"), "hostspec-inline");
            Path file = dir.resolve(hash.substring(0, 16) + ".nix");
            if (!Files.isRegularFile(file)) {
                Files.createDirectories(dir);
                Path tmp = Files.createTempFile(dir, "inline", ".tmp");
                Files.write(tmp, bytes);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write an inline Nix module under java.io.tmpdir", e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
