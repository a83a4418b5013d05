package io.hostspec.module;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Renders option values the way users write them in TOML: strings quoted in messages, lists in brackets, tables in
 * braces. {@link #plain(Object)} drops the quotes of a top-level string, as the Gherkin option step compares.
 */
public final class Values {

    private Values() {
    }

    /** The value written as TOML, e.g. {@code "xoa"}, {@code 443}, {@code [80, 443]}, {@code { a = 1 }}. */
    public static String toml(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return quote(s);
        }
        if (value instanceof List<?> l) {
            return l.stream().map(Values::toml).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Map<?, ?> m) {
            if (m.isEmpty()) {
                return "{}";
            }
            return m.entrySet().stream()
                    .map(e -> key(String.valueOf(e.getKey())) + " = " + toml(e.getValue()))
                    .collect(Collectors.joining(", ", "{ ", " }"));
        }
        return String.valueOf(value);
    }

    /** Like {@link #toml(Object)}, but a string is written without quotes: {@code xoa}, {@code 443}, {@code [80, 443]}. */
    public static String plain(Object value) {
        return value instanceof String s ? s : toml(value);
    }

    /** A short description of the value's kind for type errors: "a string", "an integer", ... */
    public static String kind(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Long || value instanceof Integer) {
            return "an integer";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof Map) {
            return "a table";
        }
        if (value instanceof Double) {
            return "a float";
        }
        return "a " + value.getClass().getSimpleName();
    }

    private static String key(String k) {
        return k.matches("[A-Za-z0-9_-]+") ? k : quote(k);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> b.append(c);
            }
        }
        return b.append('"').toString();
    }
}
