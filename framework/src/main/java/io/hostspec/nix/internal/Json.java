package io.hostspec.nix.internal;

import io.hostspec.nix.NixAttrs;
import io.hostspec.nix.NixException;
import io.hostspec.nix.NixFunction;
import io.hostspec.nix.NixList;
import io.hostspec.nix.NixNull;
import io.hostspec.nix.NixPath;
import io.hostspec.nix.Pos;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** {@code builtins.toJSON}, {@code fromJSON} and {@code fromTOML}. */
final class Json {

    private Json() {
    }

    static String write(Object v, Pos p) {
        StringBuilder b = new StringBuilder();
        write(v, p, b);
        return b.toString();
    }

    private static void write(Object v, Pos p, StringBuilder b) {
        v = Ops.force(v);
        if (v instanceof String s) {
            quote(s, b);
        } else if (v instanceof Long || v instanceof Boolean) {
            b.append(v);
        } else if (v instanceof Double d) {
            b.append(d == Math.rint(d) && Math.abs(d) < 1e15 ? String.valueOf(d.longValue()) : d.toString());
        } else if (v == NixNull.NULL) {
            b.append("null");
        } else if (v instanceof NixPath path) {
            quote(path.path(), b);
        } else if (v instanceof NixList l) {
            b.append('[');
            for (int k = 0; k < l.size(); k++) {
                if (k > 0) {
                    b.append(',');
                }
                write(l.lazy(k), p, b);
            }
            b.append(']');
        } else if (v instanceof NixAttrs a) {
            if (a.has("__toString")) {
                quote(Ops.coerce(a, p, false), b);
                return;
            }
            if (a.has("outPath")) {
                write(a.lazy("outPath"), p, b);
                return;
            }
            b.append('{');
            boolean first = true;
            for (var e : a.map().entrySet()) {
                if (!first) {
                    b.append(',');
                }
                first = false;
                quote(e.getKey(), b);
                b.append(':');
                try {
                    write(e.getValue(), p, b);
                } catch (NixException err) {
                    throw err.addFrame("while evaluating attribute '" + e.getKey() + "'", p);
                }
            }
            b.append('}');
        } else if (v instanceof NixFunction) {
            throw new NixException("cannot convert a function to JSON", p);
        } else {
            throw new NixException("cannot convert " + Ops.showType(v) + " to JSON", p);
        }
    }

    private static void quote(String s, StringBuilder b) {
        b.append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }

    static Object read(String s, Pos p) {
        Reader r = new Reader(s, p);
        r.space();
        Object v = r.value();
        r.space();
        if (r.i != s.length()) {
            throw r.error("unexpected trailing characters");
        }
        return v;
    }

    /** A small strict JSON reader. */
    private static final class Reader {
        final String s;
        final Pos p;
        int i;

        Reader(String s, Pos p) {
            this.s = s;
            this.p = p;
        }

        NixException error(String why) {
            return new NixException("while decoding JSON: " + why + " at offset " + i, p);
        }

        void space() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
        }

        Object value() {
            if (i >= s.length()) {
                throw error("unexpected end of input");
            }
            char c = s.charAt(i);
            if (c == '{') {
                i++;
                TreeMap<String, Object> m = new TreeMap<>();
                space();
                if (peek('}')) {
                    return new NixAttrs(m, null);
                }
                do {
                    space();
                    String k = string();
                    space();
                    expect(':');
                    space();
                    m.put(k, value());
                    space();
                } while (peek(','));
                expect('}');
                return new NixAttrs(m, null);
            }
            if (c == '[') {
                i++;
                List<Object> l = new ArrayList<>();
                space();
                if (peek(']')) {
                    return NixList.EMPTY;
                }
                do {
                    space();
                    l.add(value());
                    space();
                } while (peek(','));
                expect(']');
                return NixList.of(l);
            }
            if (c == '"') {
                return string();
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return true;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return false;
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return NixNull.NULL;
            }
            int start = i;
            while (i < s.length() && "+-0123456789.eE".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
            String n = s.substring(start, i);
            if (n.isEmpty()) {
                throw error("unexpected character '" + c + "'");
            }
            try {
                if (n.matches("-?[0-9]+")) {
                    return Long.parseLong(n);
                }
                return Double.parseDouble(n);
            } catch (NumberFormatException e) {
                throw error("bad number " + n);
            }
        }

        boolean peek(char c) {
            if (i < s.length() && s.charAt(i) == c) {
                i++;
                return true;
            }
            return false;
        }

        void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
        }

        String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (i < s.length() && s.charAt(i) != '"') {
                char c = s.charAt(i++);
                if (c == '\\') {
                    char e = s.charAt(i++);
                    switch (e) {
                        case 'n' -> b.append('\n');
                        case 't' -> b.append('\t');
                        case 'r' -> b.append('\r');
                        case 'b' -> b.append('\b');
                        case 'f' -> b.append('\f');
                        case 'u' -> {
                            b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                            i += 4;
                        }
                        default -> b.append(e);
                    }
                } else {
                    b.append(c);
                }
            }
            expect('"');
            if (b.indexOf("\0") >= 0) {
                throw new NixException("while decoding JSON: string contains a NUL byte", p);
            }
            return b.toString();
        }
    }

    static Object readToml(String text, Pos p) {
        org.tomlj.TomlParseResult t = org.tomlj.Toml.parse(text);
        if (t.hasErrors()) {
            throw new NixException("while parsing TOML: " + t.errors().get(0).toString(), p);
        }
        return toml(t, p);
    }

    private static Object toml(Object v, Pos p) {
        if (v instanceof org.tomlj.TomlTable t) {
            TreeMap<String, Object> m = new TreeMap<>();
            for (String k : t.keySet()) {
                if (k.indexOf('\0') >= 0) {
                    throw new NixException("while parsing TOML: key contains a NUL byte", p);
                }
                m.put(k, toml(t.get(List.of(k)), p));
            }
            return new NixAttrs(m, null);
        }
        if (v instanceof org.tomlj.TomlArray a) {
            List<Object> l = new ArrayList<>();
            for (int k = 0; k < a.size(); k++) {
                l.add(toml(a.get(k), p));
            }
            return NixList.of(l);
        }
        if (v instanceof String || v instanceof Long || v instanceof Double || v instanceof Boolean) {
            return v;
        }
        throw new NixException("while parsing TOML: timestamps are not supported (" + v + ")", p);
    }
}
