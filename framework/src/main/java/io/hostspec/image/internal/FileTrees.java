package io.hostspec.image.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicLong;

/** File-system helpers the cache and the builder share: recursive delete, fsync, digests, sizes. */
public final class FileTrees {

    private FileTrees() {
    }

    /** Deletes {@code root} and everything below it without following symbolic links; absent is fine. */
    public static void deleteRecursively(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                if (exc instanceof NoSuchFileException) {
                    return FileVisitResult.CONTINUE;
                }
                throw exc;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                if (exc != null) {
                    throw exc;
                }
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /**
     * Deletes a large scratch tree without making the caller wait: it is renamed aside at once and removed by an
     * {@code rm -rf} that outlives this JVM if need be (deleting tens of thousands of files takes seconds to tens of
     * seconds on a busy disk, time an image build does not need to spend). Falls back to deleting it here.
     *
     * @param root the tree; absent is fine
     */
    public static void deleteInBackground(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Path trash = root.resolveSibling(".trash-" + root.getFileName() + "-" + java.util.UUID.randomUUID());
        try {
            Files.move(root, trash, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            new ProcessBuilder("rm", "-rf", "--one-file-system", "--", trash.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
        } catch (IOException e) {
            deleteRecursively(Files.exists(trash, LinkOption.NOFOLLOW_LINKS) ? trash : root);
        }
    }

    /** Flushes a file or directory to stable storage. */
    public static void fsync(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    /** Hex SHA-256 of a file's content. */
    public static String sha256(Path file) throws IOException {
        MessageDigest md = sha256();
        byte[] buf = new byte[1 << 20];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }

    /** Hex SHA-256 of some bytes. */
    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(sha256().digest(bytes));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Total apparent size of the regular files below {@code root} plus one block per entry (the ext4 overhead). */
    public static long contentSize(Path root) throws IOException {
        AtomicLong total = new AtomicLong();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                total.addAndGet(4096);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                total.addAndGet(4096 + (attrs.isRegularFile() ? attrs.size() : 0));
                return FileVisitResult.CONTINUE;
            }
        });
        return total.get();
    }
}
