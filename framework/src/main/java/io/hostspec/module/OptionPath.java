package io.hostspec.module;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Option paths as users write them: segments separated by dots, a segment holding dots written in double quotes, as
 * in Nix: {@code services.nginx.virtualHosts."xoa.example.com".root}.
 */
public final class OptionPath {

    private OptionPath() {
    }

    /**
     * Splits a written path into segments.
     *
     * @throws IllegalArgumentException on an empty segment or an unterminated quote
     */
    public static List<String> parse(String written) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        boolean wasQuoted = false;
        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            if (c == '"') {
                quoted = !quoted;
                wasQuoted = true;
            } else if (c == '.' && !quoted) {
                add(out, cur, wasQuoted, written);
                wasQuoted = false;
            } else {
                cur.append(c);
            }
        }
        if (quoted) {
            throw new IllegalArgumentException("unterminated quote in option path `" + written + "'");
        }
        add(out, cur, wasQuoted, written);
        return List.copyOf(out);
    }

    /** Writes segments as a path, quoting those that contain dots or spaces. */
    public static String format(List<String> segments) {
        return segments.stream()
                .map(s -> s.matches("[A-Za-z0-9_<>*-]+") ? s : "\"" + s + "\"")
                .collect(Collectors.joining("."));
    }

    /** The path {@code a} followed by {@code b}, as a new immutable list. */
    static List<String> append(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a.size() + b.size());
        out.addAll(a);
        out.addAll(b);
        return List.copyOf(out);
    }

    private static void add(List<String> out, StringBuilder cur, boolean quoted, String written) {
        if (cur.isEmpty() && !quoted) {
            throw new IllegalArgumentException("empty segment in option path `" + written + "'");
        }
        out.add(cur.toString());
        cur.setLength(0);
    }
}
