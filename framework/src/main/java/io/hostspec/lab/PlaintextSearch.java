package io.hostspec.lab;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Looks for a secret's plaintext bytes in every regular file below some folders (images, overlays, warm snapshots'
 * disks and RAM, logs): the proof that a decrypted secret reached no disk file hostspec keeps.
 */
final class PlaintextSearch {

    private static final int BUFFER = 1 << 20;

    private PlaintextSearch() {
    }

    /** The files below {@code roots} that contain {@code text} (UTF-8), in walk order; a missing root is skipped. */
    static List<Path> filesContaining(List<Path> roots, String text) {
        byte[] needle = text.getBytes(StandardCharsets.UTF_8);
        List<Path> out = new ArrayList<>();
        for (Path root : roots) {
            if (!Files.exists(root)) {
                continue;
            }
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    if (contains(f, needle)) {
                        out.add(f);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("searching " + root + " for the plaintext failed", e);
            }
        }
        return out;
    }

    // Reads in blocks that overlap by needle.length - 1 bytes, so a match across two blocks is found.
    private static boolean contains(Path file, byte[] needle) throws IOException {
        byte[] buf = new byte[BUFFER + needle.length];
        int kept = 0;
        try (InputStream in = Files.newInputStream(file)) {
            int n;
            while ((n = in.readNBytes(buf, kept, BUFFER)) > 0) {
                int len = kept + n;
                if (indexOf(buf, len, needle) >= 0) {
                    return true;
                }
                kept = Math.min(needle.length - 1, len);
                System.arraycopy(buf, len - kept, buf, 0, kept);
            }
        } catch (java.nio.file.NoSuchFileException | java.nio.file.AccessDeniedException gone) {
            return false; // a socket or a file removed while the run goes on
        }
        return false;
    }

    private static int indexOf(byte[] buf, int len, byte[] needle) {
        outer:
        for (int i = 0; i <= len - needle.length; i++) {
            if (buf[i] != needle[0]) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (buf[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
