package io.hostspec.generation;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * The file-level difference between two base layer tarballs (the package sets of two generations), as a live switch
 * applies it: the entries the new tarball has and the old one has not or has differently (type, mode, owner, link
 * target, content or extended attributes; modification times are ignored) are copied, header blocks and all, into a
 * delta tarball that {@code tar -x -C /} unpacks in the guest; the paths the new tarball no longer has are listed
 * for removal. Paths a predicate excludes (state, identity, files the recipe manages) are neither copied nor removed.
 *
 * <p>The account databases ({@link #ACCOUNT_FILES}) are never replaced: the guest's ones hold the recipe's accounts.
 * The lines (entries) the new tarball's copies have and the old tarball's lack, by name, are returned instead, to be
 * appended when the guest has no entry of that name (accounts are never removed).
 *
 * <p>Reads GNU and POSIX (pax) tar as GNU tar and mmdebstrap write it: {@code L}/{@code K} long names and {@code x}
 * extended headers.
 *
 * @param changed      guest paths the delta tarball holds, in archive order
 * @param removed      guest paths the new tarball no longer has (files and directories), sorted
 * @param accountLines account file path to the entries to add when missing
 * @param tarBytes     the size of the delta tarball
 */
public record BaseLayerDelta(List<String> changed, SortedSet<String> removed,
                             SortedMap<String, List<String>> accountLines, long tarBytes) {

    /** Account databases that are merged by entry instead of being replaced. */
    public static final List<String> ACCOUNT_FILES = List.of("/etc/passwd", "/etc/group", "/etc/shadow",
            "/etc/gshadow");

    private static final int BLOCK = 512;

    /** A delta; collections are copied and unmodifiable. */
    public BaseLayerDelta {
        changed = List.copyOf(changed);
        removed = Collections.unmodifiableSortedSet(new TreeSet<>(removed));
        accountLines = Collections.unmodifiableSortedMap(new TreeMap<>(accountLines));
    }

    /** Whether nothing is to be unpacked, removed or added. */
    public boolean isEmpty() {
        return changed.isEmpty() && removed.isEmpty() && accountLines.values().stream().allMatch(List::isEmpty);
    }

    /**
     * Computes the delta from {@code oldTar} to {@code newTar} and writes the delta tarball to {@code out}.
     *
     * @param oldTar   the base layer of the running generation
     * @param newTar   the base layer of the generation to activate
     * @param excluded guest paths (absolute, no trailing slash) to leave alone
     * @param out      where to write the delta tarball
     * @return the delta
     * @throws UncheckedIOException when a tarball cannot be read or is malformed
     */
    public static BaseLayerDelta compute(Path oldTar, Path newTar, Predicate<String> excluded, Path out) {
        try {
            Map<String, String> before = new TreeMap<>();
            Map<String, byte[]> oldAccounts = new TreeMap<>();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(oldTar), 1 << 16)) {
                read(in, e -> {
                    before.put(e.path, e.fingerprint);
                    if (ACCOUNT_FILES.contains(e.path)) {
                        oldAccounts.put(e.path, e.data);
                    }
                    return false;
                }, null);
            }
            Set<String> after = new LinkedHashSet<>();
            List<String> changed = new ArrayList<>();
            SortedMap<String, List<String>> accounts = new TreeMap<>();
            try (InputStream in = new BufferedInputStream(Files.newInputStream(newTar), 1 << 16);
                 OutputStream o = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
                read(in, e -> {
                    after.add(e.path);
                    if (ACCOUNT_FILES.contains(e.path)) {
                        List<String> lines = newEntries(oldAccounts.get(e.path), e.data);
                        if (!lines.isEmpty()) {
                            accounts.put(e.path, lines);
                        }
                        return false;
                    }
                    if (excluded.test(e.path) || e.fingerprint.equals(before.get(e.path))) {
                        return false;
                    }
                    changed.add(e.path);
                    return true;
                }, o);
                o.write(new byte[2 * BLOCK]);
            }
            SortedSet<String> removed = new TreeSet<>();
            for (String path : before.keySet()) {
                if (!after.contains(path) && !excluded.test(path) && !ACCOUNT_FILES.contains(path)) {
                    removed.add(path);
                }
            }
            return new BaseLayerDelta(changed, removed, accounts, Files.size(out));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot compute the difference between the base layers " + oldTar
                    + " and " + newTar + ": " + e.getMessage(), e);
        }
    }

    /** The lines of {@code now} whose name (first colon-separated field) no line of {@code was} has. */
    static List<String> newEntries(byte[] was, byte[] now) {
        Set<String> names = new TreeSet<>();
        if (was != null) {
            for (String line : new String(was, StandardCharsets.UTF_8).split("\n")) {
                names.add(line.split(":", 2)[0]);
            }
        }
        List<String> lines = new ArrayList<>();
        for (String line : new String(now, StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank() && !names.contains(line.split(":", 2)[0])) {
                lines.add(line);
            }
        }
        return lines;
    }

    /** One archive member: its guest path, a fingerprint of everything but its time, and (small files) its data. */
    private record Entry(String path, String fingerprint, byte[] data) {
    }

    /** Decides per entry whether its raw blocks are copied to the output. */
    private interface Visitor {
        boolean visit(Entry e) throws IOException;
    }

    private static void read(InputStream in, Visitor visitor, OutputStream out) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        java.io.ByteArrayOutputStream raw = new java.io.ByteArrayOutputStream();
        String longName = null;
        String longLink = null;
        Map<String, String> pax = new TreeMap<>();
        byte[] header = new byte[BLOCK];
        while (true) {
            if (!readFully(in, header)) {
                return;
            }
            if (isZero(header)) {
                return;
            }
            char type = (char) header[156];
            long size = pax.containsKey("size") ? Long.parseLong(pax.get("size")) : number(header, 124, 12);
            long padded = (size + BLOCK - 1) / BLOCK * BLOCK;
            byte[] data = null;
            boolean meta = type == 'L' || type == 'K' || type == 'x' || type == 'g';
            raw.write(header);
            if (meta || type == '0' || type == '\0' || type == '7') {
                if (padded > Integer.MAX_VALUE - 16) {
                    throw new IOException("member too large: " + size + " bytes");
                }
                byte[] body = new byte[(int) padded];
                if (!readFully(in, body)) {
                    throw new IOException("truncated tarball: " + field(header, 0, 100) + " (type " + type
                            + ", " + size + " bytes) has no data");
                }
                raw.write(body);
                data = java.util.Arrays.copyOf(body, (int) size);
            } else if (padded > 0) {
                in.skipNBytes(padded);
            }
            if (type == 'g') {
                raw.reset();
                continue;
            }
            if (type == 'L') {
                longName = cstring(data);
                continue;
            }
            if (type == 'K') {
                longLink = cstring(data);
                continue;
            }
            if (type == 'x') {
                parsePax(data, pax);
                continue;
            }
            String name = pax.getOrDefault("path", longName != null ? longName : ustarName(header));
            String link = pax.getOrDefault("linkpath", longLink != null ? longLink : field(header, 157, 100));
            StringBuilder fp = new StringBuilder().append(type).append(' ')
                    .append(Long.toOctalString(number(header, 100, 8) & 07777)).append(' ')
                    .append(pax.getOrDefault("uid", Long.toString(number(header, 108, 8)))).append(':')
                    .append(pax.getOrDefault("gid", Long.toString(number(header, 116, 8)))).append(' ')
                    .append(number(header, 329, 8)).append(',').append(number(header, 337, 8)).append(' ')
                    .append(link);
            pax.forEach((k, v) -> {
                if (k.startsWith("SCHILY.xattr.") || k.startsWith("LIBARCHIVE.xattr.")) {
                    fp.append(' ').append(k).append('=').append(v);
                }
            });
            if (data != null) {
                fp.append(' ').append(HexFormat.of().formatHex(sha.digest(data)));
            }
            String path = guestPath(name);
            boolean small = data != null && data.length <= (1 << 20);
            if (!path.isEmpty() && visitor.visit(new Entry(path, fp.toString(), small ? data : null))
                    && out != null) {
                raw.writeTo(out);
            }
            raw.reset();
            longName = null;
            longLink = null;
            pax.clear();
        }
    }

    /** {@code ./usr/bin/jq} and {@code usr/bin/jq} are {@code /usr/bin/jq}; {@code ./} is the root, skipped. */
    static String guestPath(String name) {
        String p = name;
        while (p.startsWith("./")) {
            p = p.substring(2);
        }
        while (p.startsWith("/")) {
            p = p.substring(1);
        }
        while (p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p.isEmpty() || p.equals(".") ? "" : "/" + p;
    }

    private static void parsePax(byte[] data, Map<String, String> into) {
        int i = 0;
        while (i < data.length) {
            int space = i;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            if (space >= data.length) {
                return;
            }
            int len = Integer.parseInt(new String(data, i, space - i, StandardCharsets.US_ASCII).strip());
            if (len <= 0) {
                return;
            }
            String record = new String(data, space + 1, i + len - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0) {
                into.put(record.substring(0, eq), record.substring(eq + 1));
            }
            i += len;
        }
    }

    private static String ustarName(byte[] h) {
        String name = field(h, 0, 100);
        String magic = field(h, 257, 6);
        if (magic.equals("ustar")) { // POSIX: prefix field; GNU "ustar  " uses the space for other things
            String prefix = field(h, 345, 155);
            if (!prefix.isEmpty()) {
                return prefix + "/" + name;
            }
        }
        return name;
    }

    private static String field(byte[] h, int off, int len) {
        int end = off;
        while (end < off + len && h[end] != 0) {
            end++;
        }
        return new String(h, off, end - off, StandardCharsets.UTF_8);
    }

    private static String cstring(byte[] data) {
        int end = 0;
        while (end < data.length && data[end] != 0) {
            end++;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }

    /** An octal header number, or GNU base-256 when the first byte has its high bit set. */
    static long number(byte[] h, int off, int len) {
        if ((h[off] & 0x80) != 0) {
            long v = h[off] & 0x7f;
            for (int i = off + 1; i < off + len; i++) {
                v = (v << 8) | (h[i] & 0xff);
            }
            return v;
        }
        String s = field(h, off, len).strip();
        return s.isEmpty() ? 0 : Long.parseLong(s, 8);
    }

    private static boolean isZero(byte[] b) {
        for (byte x : b) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean readFully(InputStream in, byte[] buf) throws IOException {
        int n = in.readNBytes(buf, 0, buf.length);
        if (n == 0 && buf.length > 0) {
            return false;
        }
        if (n < buf.length) {
            throw new IOException("truncated tarball: " + n + " of " + buf.length + " bytes");
        }
        return true;
    }
}
