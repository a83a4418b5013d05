package io.hostspec.nix;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Prints values the way {@code nix-instantiate --eval} does: {@code { a = 1; b = [ 2 3 ]; }}, attributes sorted,
 * strings quoted with Nix escapes, floats with six significant digits, a set or list seen before as
 * {@code «repeated»}.
 */
public final class NixPrinter {

    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_'\\-]*");
    private static final Set<String> KEYWORDS = Set.of("if", "then", "else", "assert", "with", "let", "in", "rec",
            "inherit", "or");

    private final boolean strict;
    private final int maxDepth;
    private final Set<Object> seen = Collections.newSetFromMap(new IdentityHashMap<>());

    private NixPrinter(boolean strict, int maxDepth) {
        this.strict = strict;
        this.maxDepth = maxDepth;
    }

    /**
     * Prints a value.
     *
     * @param value  the value (may be a thunk)
     * @param strict force everything inside (as {@code --strict}); otherwise unforced values print as
     *               {@code «thunk»}
     */
    public static String print(Object value, boolean strict) {
        StringBuilder b = new StringBuilder();
        new NixPrinter(strict, Integer.MAX_VALUE).value(Thunk.force(value), b, 0);
        return b.toString();
    }

    /** A short rendering for error messages; forces nothing. */
    public static String brief(Object value) {
        StringBuilder b = new StringBuilder();
        new NixPrinter(false, 1).value(value, b, 0);
        String s = b.toString();
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    private void value(Object v, StringBuilder b, int depth) {
        if (v instanceof Thunk t) {
            if (strict || t.isForced()) {
                v = t.force();
            } else {
                b.append("«thunk»");
                return;
            }
        }
        if (v instanceof String s) {
            string(s, b);
        } else if (v instanceof Long || v instanceof Boolean || v instanceof NixPath || v == NixNull.NULL) {
            b.append(v);
        } else if (v instanceof Double d) {
            b.append(formatFloat(d));
        } else if (v instanceof NixFunction f) {
            b.append(f.printed());
        } else if (v instanceof NixList l) {
            if (l.isEmpty()) {
                b.append("[ ]");
                return;
            }
            if (depth >= maxDepth) {
                b.append("[ … ]");
                return;
            }
            if (!seen.add(l)) {
                b.append("«repeated»");
                return;
            }
            b.append("[ ");
            for (int k = 0; k < l.size(); k++) {
                value(l.lazy(k), b, depth + 1);
                b.append(' ');
            }
            b.append(']');
        } else if (v instanceof NixAttrs a) {
            attrs(a, b, depth);
        } else {
            b.append(v);
        }
    }

    private void attrs(NixAttrs a, StringBuilder b, int depth) {
        if (a.size() == 0) {
            b.append("{ }");
            return;
        }
        if (a.isDerivation()) {
            Object drv = a.lazy("drvPath");
            b.append("«derivation ").append(drv == null ? "???" : Thunk.force(drv)).append('»');
            return;
        }
        if (depth >= maxDepth) {
            b.append("{ … }");
            return;
        }
        if (!seen.add(a)) {
            b.append("«repeated»");
            return;
        }
        b.append("{ ");
        for (Map.Entry<String, Object> e : a.map().entrySet()) {
            attrName(e.getKey(), b);
            b.append(" = ");
            value(e.getValue(), b, depth + 1);
            b.append("; ");
        }
        b.append('}');
    }

    /** An attribute name, quoted when it is not an identifier. */
    public static void attrName(String name, StringBuilder b) {
        if (IDENT.matcher(name).matches() && !KEYWORDS.contains(name)) {
            b.append(name);
        } else {
            string(name, b);
        }
    }

    /** A string literal with Nix's escapes. */
    public static void string(String s, StringBuilder b) {
        b.append('"');
        for (int k = 0; k < s.length(); k++) {
            char c = s.charAt(k);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '$' -> b.append(k + 1 < s.length() && s.charAt(k + 1) == '{' ? "\\$" : "$");
                default -> b.append(c);
            }
        }
        b.append('"');
    }

    /** A float as C++'s default stream output prints it (%g with 6 significant digits). */
    public static String formatFloat(double d) {
        if (Double.isNaN(d)) {
            return d < 0 ? "-nan" : "nan";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "inf" : "-inf";
        }
        if (d == 0) {
            return 1 / d < 0 ? "-0" : "0";
        }
        BigDecimal bd = new BigDecimal(d).round(new MathContext(6, RoundingMode.HALF_EVEN));
        int exp = bd.precision() - bd.scale() - 1;
        if (exp < -4 || exp >= 6) {
            BigDecimal mant = bd.movePointLeft(exp).stripTrailingZeros();
            String e = String.valueOf(Math.abs(exp));
            return mant.toPlainString() + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
        }
        return bd.stripTrailingZeros().toPlainString();
    }
}
