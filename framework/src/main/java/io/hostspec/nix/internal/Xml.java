package io.hostspec.nix.internal;

import io.hostspec.nix.NixAttrs;
import io.hostspec.nix.NixList;
import io.hostspec.nix.NixNull;
import io.hostspec.nix.NixPath;
import io.hostspec.nix.NixPrinter;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** {@code builtins.toXML} and {@code nix-instantiate --xml}: Nix's XML rendering of a value, forced entirely. */
public final class Xml {

    private Xml() {
    }

    /** The XML document of a value. */
    public static String write(Object v) {
        StringBuilder b = new StringBuilder("<?xml version='1.0' encoding='utf-8'?>\n<expr>\n");
        value(v, b, 1);
        return b.append("</expr>\n").toString();
    }

    private static void indent(StringBuilder b, int depth) {
        b.append("  ".repeat(depth));
    }

    private static void leaf(StringBuilder b, int depth, String tag, String... attrs) {
        indent(b, depth);
        b.append('<').append(tag);
        for (int k = 0; k + 1 < attrs.length; k += 2) {
            b.append(' ').append(attrs[k]).append("=\"").append(escape(attrs[k + 1])).append('"');
        }
        b.append(" />\n");
    }

    private static void value(Object v, StringBuilder b, int depth) {
        v = Ops.force(v);
        if (v instanceof String s) {
            leaf(b, depth, "string", "value", s);
        } else if (v instanceof Long l) {
            leaf(b, depth, "int", "value", l.toString());
        } else if (v instanceof Double d) {
            leaf(b, depth, "float", "value", NixPrinter.formatFloat(d));
        } else if (v instanceof Boolean x) {
            leaf(b, depth, "bool", "value", x.toString());
        } else if (v == NixNull.NULL) {
            leaf(b, depth, "null");
        } else if (v instanceof NixPath p) {
            leaf(b, depth, "path", "value", p.path());
        } else if (v instanceof NixList l) {
            if (l.isEmpty()) {
                leaf(b, depth, "list");
                return;
            }
            indent(b, depth);
            b.append("<list>\n");
            for (int k = 0; k < l.size(); k++) {
                value(l.lazy(k), b, depth + 1);
            }
            indent(b, depth);
            b.append("</list>\n");
        } else if (v instanceof NixAttrs a) {
            if (a.size() == 0) {
                leaf(b, depth, "attrs");
                return;
            }
            indent(b, depth);
            b.append("<attrs>\n");
            for (var e : a.map().entrySet()) {
                indent(b, depth + 1);
                b.append("<attr name=\"").append(escape(e.getKey())).append("\">\n");
                value(e.getValue(), b, depth + 2);
                indent(b, depth + 1);
                b.append("</attr>\n");
            }
            indent(b, depth);
            b.append("</attrs>\n");
        } else if (v instanceof Lambda f) {
            indent(b, depth);
            b.append("<function>\n");
            if (f.fn.formals == null) {
                leaf(b, depth + 1, "varpat", "name", f.fn.arg);
            } else {
                indent(b, depth + 1);
                b.append("<attrspat");
                if (f.fn.ellipsis) {
                    b.append(" ellipsis=\"1\"");
                }
                if (f.fn.arg != null) {
                    b.append(" name=\"").append(escape(f.fn.arg)).append('"');
                }
                List<String> names = new ArrayList<>(new TreeSet<>(f.fn.formalNames));
                if (names.isEmpty()) {
                    b.append(" />\n");
                } else {
                    b.append(">\n");
                    for (String n : names) {
                        leaf(b, depth + 2, "attr", "name", n);
                    }
                    indent(b, depth + 1);
                    b.append("</attrspat>\n");
                }
            }
            indent(b, depth);
            b.append("</function>\n");
        } else {
            leaf(b, depth, "unevaluated");
        }
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("&quot;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '\n' -> b.append("&#xA;");
                case '\r' -> b.append("&#xD;");
                case '\t' -> b.append("&#x9;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

}
