package io.hostspec.nix.internal;

import io.hostspec.nix.NixException;
import io.hostspec.nix.Pos;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** POSIX extended regular expressions (what {@code builtins.match} and {@code split} take) as Java patterns. */
final class Regexes {

    private static final Map<String, String> CLASSES = Map.ofEntries(Map.entry("alpha", "\\p{Alpha}"),
            Map.entry("digit", "0-9"), Map.entry("alnum", "\\p{Alnum}"), Map.entry("upper", "\\p{Upper}"),
            Map.entry("lower", "\\p{Lower}"), Map.entry("space", "\\s\\x0B"), Map.entry("blank", " \\t"),
            Map.entry("punct", "\\p{Punct}"), Map.entry("print", "\\p{Print}"), Map.entry("graph", "\\p{Graph}"),
            Map.entry("cntrl", "\\p{Cntrl}"), Map.entry("xdigit", "0-9A-Fa-f"));

    private final Map<String, Pattern> cache = new HashMap<>();

    Pattern compile(String posix, Pos pos) {
        Pattern p = cache.get(posix);
        if (p == null) {
            try {
                p = Pattern.compile(translate(posix), Pattern.DOTALL);
            } catch (IllegalArgumentException e) {
                throw new NixException("invalid regular expression '" + posix + "'", pos);
            }
            cache.put(posix, p);
        }
        return p;
    }

    static String translate(String re) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i < re.length()) {
            char c = re.charAt(i);
            if (c == '\\' && i + 1 < re.length()) {
                char n = re.charAt(i + 1);
                b.append(Character.isLetterOrDigit(n) ? String.valueOf(n) : "\\" + n);
                i += 2;
            } else if (c == '[') {
                i = bracket(re, i, b);
            } else if (c == '{' && (i + 1 >= re.length() || !Character.isDigit(re.charAt(i + 1)))) {
                b.append("\\{");
                i++;
            } else if (c == '}' && !inInterval(re, i)) {
                b.append("\\}");
                i++;
            } else {
                b.append(c);
                i++;
            }
        }
        return b.toString();
    }

    private static boolean inInterval(String re, int close) {
        int open = re.lastIndexOf('{', close);
        return open >= 0 && re.substring(open + 1, close).matches("[0-9]+(,[0-9]*)?");
    }

    private static int bracket(String re, int start, StringBuilder b) {
        int i = start + 1;
        b.append('[');
        if (i < re.length() && re.charAt(i) == '^') {
            b.append('^');
            i++;
        }
        boolean first = true;
        while (i < re.length()) {
            char c = re.charAt(i);
            if (c == ']' && !first) {
                b.append(']');
                return i + 1;
            }
            first = false;
            if (c == '[' && i + 1 < re.length() && re.charAt(i + 1) == ':') {
                int end = re.indexOf(":]", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated class");
                }
                String cls = CLASSES.get(re.substring(i + 2, end));
                if (cls == null) {
                    throw new IllegalArgumentException("unknown class");
                }
                b.append(cls);
                i = end + 2;
                continue;
            }
            if (c == '\\' || c == '[' || c == ']' || c == '&' || c == '^') {
                b.append('\\');
            }
            b.append(c);
            i++;
        }
        throw new IllegalArgumentException("unterminated bracket");
    }
}
