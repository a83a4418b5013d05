package io.hostspec.module;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.hostspec.module.Type.TypeMismatch;

/**
 * The option types (docs/modules.md): their factories and implementations. The written form
 * ({@code "listOf port"}, {@code "attrsOf (listOf str)"}) is read by {@link #parse(String)}.
 */
public final class Types {

    private static final Pattern PACKAGE = Pattern.compile("[a-z0-9][a-z0-9+.-]+");

    private Types() {
    }

    /** {@code bool}: true or false; definitions must agree. */
    public static Type bool() {
        return new Scalar("bool", "a boolean (true or false)", v -> v instanceof Boolean);
    }

    /** {@code int}: an integer; definitions must agree. */
    public static Type integer() {
        return new Scalar("int", "an integer", v -> v instanceof Long);
    }

    /** {@code str}: a string; definitions must agree. */
    public static Type str() {
        return new Scalar("str", "a string", v -> v instanceof String);
    }

    /** {@code port}: an integer from 0 to 65535. */
    public static Type port() {
        return new Scalar("port", "a port (an integer from 0 to 65535)",
                v -> v instanceof Long l && l >= 0 && l <= 65535);
    }

    /** {@code path}: an absolute path. */
    public static Type path() {
        return new Scalar("path", "an absolute path (a string starting with /)",
                v -> v instanceof String s && s.startsWith("/"));
    }

    /** {@code package}: a Debian package name. */
    public static Type pkg() {
        return new Scalar("package", "a Debian package name (lowercase letters, digits, + - .)",
                v -> v instanceof String s && PACKAGE.matcher(s).matches());
    }

    /** {@code lines}: a string; several definitions are joined with newlines in order. */
    public static Type lines() {
        return new Lines();
    }

    /** {@code enum [..]}: one of the given strings. */
    public static Type enumOf(List<String> values) {
        List<String> copy = List.copyOf(values);
        String written = copy.stream().map(Values::toml).collect(Collectors.joining(", ", "[", "]"));
        return new Scalar("enum " + written, "one of " + written, copy::contains);
    }

    /** {@code nullOr T}: null (an option without definitions) or a T. */
    public static Type nullOr(Type elem) {
        return new NullOr(elem);
    }

    /** {@code listOf T}: a list of T; definitions concatenate, ordered by {@code order}. */
    public static Type listOf(Type elem) {
        return new ListOf(elem);
    }

    /** {@code attrsOf T}: a table of T; definitions merge by key, each key by T. */
    public static Type attrsOf(Type elem) {
        return new AttrsOf(elem);
    }

    /**
     * {@code anything}: any TOML value; lists concatenate, tables merge by key, other values must agree. Used for free
     * form settings such as systemd's serviceConfig.
     */
    public static Type anything() {
        return new Anything();
    }

    /** The submodule marker of {@code <name>} paths: an attribute set of submodules. Not written by users. */
    public static Type submodules() {
        return new Submodules();
    }

    /**
     * Parses a written type. Grammar: {@code T := name | nullOr T | listOf T | attrsOf T | enum [s, ...] | ( T )}.
     *
     * @throws IllegalArgumentException with a message naming the problem
     */
    public static Type parse(String text) {
        return TypeParser.parse(text);
    }

    /** Whether a type merges tables key by key ({@code attrsOf}), where a definition may name a single key. */
    static boolean isAttrs(Type t) {
        return t instanceof AttrsOf;
    }

    /** Merges equal definitions; different values are a conflict naming every definition. */
    static Object mergeEqual(String option, List<Type.Valued> defs) {
        Object first = defs.get(0).value();
        for (Type.Valued d : defs) {
            if (!d.value().equals(first)) {
                throw conflict(option, defs);
            }
        }
        return first;
    }

    /** The conflict error, listing every definition with its file:line. */
    static ConfigException conflict(String option, List<Type.Valued> defs) {
        StringBuilder b = new StringBuilder("The option `" + option + "' has conflicting definition values:");
        for (Type.Valued d : defs) {
            b.append("\n- In ").append(d.where()).append(": ").append(Values.toml(d.value()));
        }
        b.append("\nUse priority = \"force\" or \"default\" to choose.");
        return new ConfigException(new ConfigError(ConfigError.Kind.CONFLICT, b.toString(),
                defs.stream().map(Type.Valued::where).toList()));
    }

    private static List<Type.Valued> inOrder(List<Type.Valued> defs) {
        List<Type.Valued> sorted = new ArrayList<>(defs);
        sorted.sort(Comparator.comparingInt(Type.Valued::order)); // stable: module order within an order
        return sorted;
    }

    private static TypeMismatch mismatch(Type t, Object v) {
        return new TypeMismatch("expected " + t.expected() + ", got " + Values.toml(v) + " (" + Values.kind(v) + ")");
    }

    private record Scalar(String name, String expected, java.util.function.Predicate<Object> accepts) implements Type {
        @Override
        public Object check(Object value) {
            Object v = value instanceof Integer i ? Long.valueOf(i) : value;
            if (!accepts.test(v)) {
                throw mismatch(this, value);
            }
            return v;
        }

        @Override
        public Object merge(String option, List<Valued> defs) {
            return mergeEqual(option, defs);
        }
    }

    private record Lines() implements Type {
        @Override
        public String name() {
            return "lines";
        }

        @Override
        public String expected() {
            return "a string (lines)";
        }

        @Override
        public Object check(Object value) {
            if (!(value instanceof String)) {
                throw mismatch(this, value);
            }
            return value;
        }

        @Override
        public Object merge(String option, List<Valued> defs) {
            return inOrder(defs).stream().map(d -> (String) d.value()).collect(Collectors.joining("\n"));
        }
    }

    private record NullOr(Type elem) implements Type {
        @Override
        public String name() {
            return "nullOr " + wrap(elem);
        }

        @Override
        public String expected() {
            return "null or " + elem.expected();
        }

        @Override
        public Object check(Object value) {
            return value == null ? null : elem.check(value);
        }

        @Override
        public Object merge(String option, List<Valued> defs) {
            List<Valued> nonNull = defs.stream().filter(d -> d.value() != null).toList();
            if (nonNull.isEmpty()) {
                return null;
            }
            if (nonNull.size() != defs.size()) {
                throw conflict(option, defs);
            }
            return elem.merge(option, nonNull);
        }
    }

    private record ListOf(Type elem) implements Type {
        @Override
        public String name() {
            return "listOf " + wrap(elem);
        }

        @Override
        public String expected() {
            return "a list of " + elem.name();
        }

        @Override
        public Object check(Object value) {
            if (!(value instanceof List<?> list)) {
                throw mismatch(this, value);
            }
            List<Object> out = new ArrayList<>(list.size());
            for (int i = 0; i < list.size(); i++) {
                try {
                    out.add(elem.check(list.get(i)));
                } catch (TypeMismatch e) {
                    throw new TypeMismatch("element " + (i + 1) + " of the list: " + e.getMessage());
                }
            }
            return Collections.unmodifiableList(out);
        }

        @Override
        public Object merge(String option, List<Valued> defs) {
            List<Object> out = new ArrayList<>();
            for (Valued d : inOrder(defs)) {
                out.addAll((List<?>) d.value());
            }
            return Collections.unmodifiableList(out);
        }
    }

    private record AttrsOf(Type elem) implements Type {
        @Override
        public String name() {
            return "attrsOf " + wrap(elem);
        }

        @Override
        public String expected() {
            return "a table of " + elem.name();
        }

        @Override
        public Object check(Object value) {
            if (!(value instanceof Map<?, ?> map)) {
                throw mismatch(this, value);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                try {
                    out.put(String.valueOf(e.getKey()), elem.check(e.getValue()));
                } catch (TypeMismatch m) {
                    throw new TypeMismatch("key " + Values.toml(String.valueOf(e.getKey())) + ": " + m.getMessage());
                }
            }
            return Collections.unmodifiableMap(out);
        }

        @Override
        public Object merge(String option, List<Valued> defs) {
            Map<String, List<Valued>> byKey = new LinkedHashMap<>();
            for (Valued d : defs) {
                for (Map.Entry<?, ?> e : ((Map<?, ?>) d.value()).entrySet()) {
                    byKey.computeIfAbsent(String.valueOf(e.getKey()), k -> new ArrayList<>())
                            .add(new Valued(e.getValue(), d.where(), d.order(), d.innerPriority()));
                }
            }
            Map<String, Object> out = new java.util.TreeMap<>();
            byKey.forEach((key, all) -> {
                int best = all.stream().mapToInt(Valued::innerPriority).min().orElseThrow();
                List<Valued> kept = all.stream().filter(v -> v.innerPriority() == best).toList();
                out.put(key, elem.merge(option + "." + key, kept));
            });
            return Collections.unmodifiableMap(out);
        }
    }

    private record Anything() implements Type {
        @Override
        public String name() {
            return "anything";
        }

        @Override
        public String expected() {
            return "any value";
        }

        @Override
        public Object check(Object value) {
            return value instanceof Integer i ? Long.valueOf(i) : value;
        }

        @Override
        public Object merge(String option, List<Valued> defs) {
            if (defs.stream().allMatch(d -> d.value() instanceof List)) {
                return new ListOf(this).merge(option, defs);
            }
            if (defs.stream().allMatch(d -> d.value() instanceof Map)) {
                return new AttrsOf(this).merge(option, defs);
            }
            return mergeEqual(option, defs);
        }
    }

    private record Submodules() implements Type {
        @Override
        public String name() {
            return "attrsOf (submodule)";
        }

        @Override
        public String expected() {
            return "a table of named submodules";
        }

        @Override
        public Object check(Object value) {
            if (!(value instanceof Map)) {
                throw mismatch(this, value);
            }
            return value;
        }

        @Override
        public Object merge(String option, List<Valued> defs) {
            throw new UnsupportedOperationException("submodules are merged option by option");
        }
    }

    private static String wrap(Type t) {
        return t.name().contains(" ") ? "(" + t.name() + ")" : t.name();
    }
}
