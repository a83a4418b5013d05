package io.hostspec.nix.internal;

import io.hostspec.nix.NixAttrs;
import io.hostspec.nix.NixException;
import io.hostspec.nix.NixList;
import io.hostspec.nix.NixNull;
import io.hostspec.nix.NixPath;
import io.hostspec.nix.Pos;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;

/** Built-ins of strings: toString, substring, replaceStrings, match and split, hashes, JSON/TOML, versions. */
final class TextBuiltins {

    private TextBuiltins() {
    }

    static void install(EvalState.Registry r) {
        Regexes regexes = new Regexes();
        r.def("toString", 1, (a, p) -> Ops.coerce(a[0], p, true));
        r.def("stringLength", 1, (a, p) -> (long) utf8(Ops.coerce(a[0], p, false)).length);
        r.def("substring", 3, (a, p) -> {
            long start = Ops.integer(a[0], p);
            long len = Ops.integer(a[1], p);
            String s = Ops.coerce(a[2], p, false);
            if (start < 0) {
                throw new NixException("negative start position in substring", p);
            }
            byte[] b = utf8(s);
            if (start >= b.length) {
                return "";
            }
            long end = len < 0 ? b.length : Math.min(b.length, start + len);
            return new String(b, (int) start, (int) (end - start), StandardCharsets.UTF_8);
        });
        r.def("concatStringsSep", 2, (a, p) -> {
            String sep = Ops.string(a[0], p);
            NixList l = Ops.list(a[1], p);
            StringBuilder b = new StringBuilder();
            for (int k = 0; k < l.size(); k++) {
                if (k > 0) {
                    b.append(sep);
                }
                b.append(Ops.coerce(l.lazy(k), p, false));
            }
            return b.toString();
        });
        r.def("replaceStrings", 3, (a, p) -> replace(Ops.list(a[0], p), Ops.list(a[1], p), Ops.string(a[2], p), p));
        r.def("match", 2, (a, p) -> {
            Matcher m = regexes.compile(Ops.string(a[0], p), p).matcher(Ops.string(a[1], p));
            if (!m.matches()) {
                return NixNull.NULL;
            }
            return groups(m);
        });
        r.def("split", 2, (a, p) -> {
            String s = Ops.string(a[1], p);
            Matcher m = regexes.compile(Ops.string(a[0], p), p).matcher(s);
            List<Object> out = new ArrayList<>();
            int last = 0;
            int from = 0;
            while (from <= s.length() && m.find(from)) {
                out.add(s.substring(last, m.start()));
                out.add(groups(m));
                last = m.end();
                from = m.end() == m.start() ? m.end() + 1 : m.end();
            }
            out.add(s.substring(last));
            return NixList.of(out);
        });
        r.def("hashString", 2, (a, p) -> hash(Ops.string(a[0], p), utf8(Ops.string(a[1], p)), p));
        r.def("baseNameOf", 1, (a, p) -> Paths.base(Ops.coerce(a[0], p, false)));
        r.def("dirOf", 1, (a, p) -> {
            Object v = Ops.force(a[0]);
            if (v instanceof NixPath path) {
                return new NixPath(Paths.dir(path.path()));
            }
            return Paths.dir(Ops.coerce(v, p, false));
        });
        r.def("toJSON", 1, (a, p) -> Json.write(a[0], p));
        r.def("toXML", 1, (a, p) -> Xml.write(a[0]));
        r.def("fromJSON", 1, (a, p) -> Json.read(Ops.string(a[0], p), p));
        r.def("fromTOML", 1, (a, p) -> Json.readToml(Ops.string(a[0], p), p));
        r.def("unsafeDiscardStringContext", 1, (a, p) -> Ops.coerce(a[0], p, false));
        r.def("unsafeDiscardOutputDependency", 1, (a, p) -> Ops.coerce(a[0], p, false));
        r.def("hasContext", 1, (a, p) -> false);
        r.def("getContext", 1, (a, p) -> {
            Ops.string(a[0], p);
            return NixAttrs.EMPTY;
        });
        r.def("appendContext", 2, (a, p) -> Ops.string(a[0], p));
        r.def("parseDrvName", 1, (a, p) -> {
            String s = Ops.string(a[0], p);
            int cut = -1;
            for (int k = 0; k + 1 < s.length(); k++) {
                if (s.charAt(k) == '-' && !Character.isLetter(s.charAt(k + 1))) {
                    cut = k;
                    break;
                }
            }
            TreeMap<String, Object> m = new TreeMap<>();
            m.put("name", cut < 0 ? s : s.substring(0, cut));
            m.put("version", cut < 0 ? "" : s.substring(cut + 1));
            return new NixAttrs(m, null);
        });
        r.def("splitVersion", 1, (a, p) -> {
            String s = Ops.string(a[0], p);
            List<Object> out = new ArrayList<>();
            int[] at = {0};
            while (at[0] < s.length()) {
                String c = Versions.next(s, at);
                if (c.isEmpty()) {
                    break;
                }
                out.add(c);
            }
            return NixList.of(out);
        });
        r.def("compareVersions", 2, (a, p) -> (long) Versions.compare(Ops.string(a[0], p), Ops.string(a[1], p)));
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static Object groups(Matcher m) {
        Object[] g = new Object[m.groupCount()];
        for (int k = 0; k < g.length; k++) {
            String s = m.group(k + 1);
            g[k] = s == null ? NixNull.NULL : s;
        }
        return new NixList(g);
    }

    private static Object replace(NixList from, NixList to, String s, Pos p) {
        if (from.size() != to.size()) {
            throw new NixException("'from' and 'to' arguments passed to builtins.replaceStrings have different "
                    + "lengths", p);
        }
        String[] f = new String[from.size()];
        for (int k = 0; k < f.length; k++) {
            f[k] = Ops.string(from.lazy(k), p);
        }
        String[] t = new String[f.length];
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (i <= s.length()) {
            boolean found = false;
            for (int k = 0; k < f.length; k++) {
                if (s.startsWith(f[k], i)) {
                    if (t[k] == null) {
                        t[k] = Ops.coerce(to.lazy(k), p, false);
                    }
                    b.append(t[k]);
                    if (f[k].isEmpty()) {
                        if (i < s.length()) {
                            b.append(s.charAt(i));
                        }
                        i++;
                    } else {
                        i += f[k].length();
                    }
                    found = true;
                    break;
                }
            }
            if (!found) {
                if (i < s.length()) {
                    b.append(s.charAt(i));
                }
                i++;
            }
        }
        return b.toString();
    }

    private static String hash(String algo, byte[] data, Pos p) {
        String java = switch (algo) {
            case "md5" -> "MD5";
            case "sha1" -> "SHA-1";
            case "sha256" -> "SHA-256";
            case "sha512" -> "SHA-512";
            default -> throw new NixException("unknown hash algorithm '" + algo + "', expect 'blake3', 'md5', "
                    + "'sha1', 'sha256', or 'sha512'", p);
        };
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance(java).digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new NixException("hash algorithm " + algo + " unavailable", p);
        }
    }

    /** Nix's version comparison. */
    static final class Versions {
        private Versions() {
        }

        static String next(String s, int[] at) {
            int i = at[0];
            while (i < s.length() && (s.charAt(i) == '.' || s.charAt(i) == '-')) {
                i++;
            }
            int start = i;
            if (i < s.length() && Character.isDigit(s.charAt(i))) {
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
            } else {
                while (i < s.length() && !Character.isDigit(s.charAt(i)) && s.charAt(i) != '.'
                        && s.charAt(i) != '-') {
                    i++;
                }
            }
            at[0] = i;
            return s.substring(start, i);
        }

        private static boolean num(String c) {
            return !c.isEmpty() && c.chars().allMatch(Character::isDigit);
        }

        private static boolean lt(String c1, String c2) {
            boolean n1 = num(c1);
            boolean n2 = num(c2);
            if (n1 && n2) {
                return new java.math.BigInteger(c1).compareTo(new java.math.BigInteger(c2)) < 0;
            }
            if (c1.isEmpty() && n2) {
                return true;
            }
            if (c1.equals("pre") && !c2.equals("pre")) {
                return true;
            }
            if (c2.equals("pre")) {
                return false;
            }
            if (n2) {
                return true;
            }
            if (n1) {
                return false;
            }
            return c1.compareTo(c2) < 0;
        }

        static int compare(String a, String b) {
            int[] i = {0};
            int[] j = {0};
            while (i[0] < a.length() || j[0] < b.length()) {
                String c1 = next(a, i);
                String c2 = next(b, j);
                if (lt(c1, c2)) {
                    return -1;
                }
                if (lt(c2, c1)) {
                    return 1;
                }
            }
            return 0;
        }
    }
}
