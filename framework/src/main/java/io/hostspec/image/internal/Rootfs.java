package io.hostspec.image.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A root file system being prepared in a directory of the build host. Guest paths are resolved inside the directory:
 * symbolic links are followed as the guest would see them (an absolute link like {@code /var/run -> /run} stays inside
 * the root), so that writing a guest file can never touch the build host's own files.
 *
 * @param dir the directory holding the guest's {@code /}
 */
public record Rootfs(Path dir) {

    private static final int MAX_LINKS = 40;

    /**
     * The build-host path of guest path {@code guestPath}, with every symbolic link along it resolved inside the root.
     * The last component is not followed when {@code followLast} is false (to create or replace a link).
     *
     * @param guestPath  an absolute guest path
     * @param followLast whether a link in the last component is followed
     * @throws IllegalArgumentException when the path is relative or links loop
     */
    public Path resolve(String guestPath, boolean followLast) throws IOException {
        if (!guestPath.startsWith("/")) {
            throw new IllegalArgumentException("not an absolute path: '" + guestPath + "'");
        }
        Deque<String> todo = new ArrayDeque<>(List.of(guestPath.split("/")));
        Deque<String> done = new ArrayDeque<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String part = todo.removeFirst();
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                done.pollLast();
                continue;
            }
            Path host = hostPath(done).resolve(part);
            boolean last = todo.isEmpty();
            if ((!last || followLast) && Files.isSymbolicLink(host)) {
                if (++links > MAX_LINKS) {
                    throw new IllegalArgumentException("too many symbolic links resolving " + guestPath);
                }
                String target = Files.readSymbolicLink(host).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> parts = List.of(target.split("/"));
                for (int i = parts.size() - 1; i >= 0; i--) {
                    todo.addFirst(parts.get(i));
                }
                continue;
            }
            done.addLast(part);
        }
        return hostPath(done);
    }

    private Path hostPath(Deque<String> parts) {
        Path p = dir;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }

    /** Whether the guest path exists (following links inside the root). */
    public boolean exists(String guestPath) throws IOException {
        return Files.exists(resolve(guestPath, true), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Writes a guest file, creating missing parent directories (mode 0755, owned by root) and replacing an existing
     * file or link.
     *
     * @param guestPath absolute guest path
     * @param content   text content
     * @param mode      permission bits, e.g. {@code 0644}
     * @param uid       owner uid
     * @param gid       owner gid
     * @return the host path written
     */
    public Path write(String guestPath, String content, int mode, int uid, int gid) throws IOException {
        Path host = resolve(guestPath, false);
        mkdirs(host.getParent());
        Files.deleteIfExists(host);
        Files.write(host, content.getBytes(StandardCharsets.UTF_8));
        chown(host, uid, gid);
        chmod(host, mode);
        return host;
    }

    /** Creates guest directories like {@code mkdir -p} (mode 0755, root) and returns the host path. */
    public Path mkdirs(String guestPath) throws IOException {
        Path host = resolve(guestPath, true);
        mkdirs(host);
        return host;
    }

    private void mkdirs(Path host) throws IOException {
        if (Files.isDirectory(host)) {
            return;
        }
        mkdirs(host.getParent());
        Files.createDirectory(host);
        chmod(host, 0755);
    }

    /**
     * Creates (or replaces) a symbolic link at guest path {@code link} pointing at guest path {@code target}, the way
     * {@code systemctl enable} writes them.
     */
    public void symlink(String link, String target) throws IOException {
        Path host = resolve(link, false);
        mkdirs(host.getParent());
        Files.deleteIfExists(host);
        Files.createSymbolicLink(host, Path.of(target));
    }

    /** Sets the full mode (including setuid/setgid/sticky bits) of a host path. */
    public static void chmod(Path host, int mode) throws IOException {
        Files.setAttribute(host, "unix:mode", mode, LinkOption.NOFOLLOW_LINKS);
    }

    /** Sets the numeric owner of a host path. */
    public static void chown(Path host, int uid, int gid) throws IOException {
        Files.setAttribute(host, "unix:uid", uid, LinkOption.NOFOLLOW_LINKS);
        Files.setAttribute(host, "unix:gid", gid, LinkOption.NOFOLLOW_LINKS);
    }

    /** The guest's users: name to uid, from /etc/passwd (empty when there is none). */
    public Map<String, Integer> users() throws IOException {
        return idsOf("/etc/passwd");
    }

    /** The guest's groups: name to gid, from /etc/group (empty when there is none). */
    public Map<String, Integer> groups() throws IOException {
        return idsOf("/etc/group");
    }

    /** The primary gid of a guest user, from /etc/passwd. */
    public Optional<Integer> primaryGid(String user) throws IOException {
        for (String[] f : lines("/etc/passwd")) {
            if (f.length > 3 && f[0].equals(user)) {
                return Optional.of(Integer.parseInt(f[3]));
            }
        }
        return Optional.empty();
    }

    private Map<String, Integer> idsOf(String file) throws IOException {
        Map<String, Integer> ids = new HashMap<>();
        for (String[] f : lines(file)) {
            if (f.length > 2) {
                ids.put(f[0], Integer.parseInt(f[2]));
            }
        }
        return ids;
    }

    private List<String[]> lines(String file) throws IOException {
        Path host = resolve(file, true);
        if (!Files.isRegularFile(host)) {
            return List.of();
        }
        return Files.readAllLines(host).stream().filter(l -> !l.isBlank() && !l.startsWith("#"))
                .map(l -> l.split(":", -1)).toList();
    }
}
