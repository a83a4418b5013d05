package io.hostspec.nix;

import io.hostspec.nix.internal.Calls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Conversion between Nix values and the plain Java values of hostspec's module system. */
final class NixValues {

    private NixValues() {
    }

    /** Java (Boolean, Long, String, List, Map, null) to Nix. */
    static Object toNix(Object v) {
        if (v == null) {
            return NixNull.NULL;
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>();
            l.forEach(x -> out.add(toNix(x)));
            return NixList.of(out);
        }
        if (v instanceof Map<?, ?> m) {
            TreeMap<String, Object> out = new TreeMap<>();
            m.forEach((k, x) -> out.put((String) k, toNix(x)));
            return new NixAttrs(out, null);
        }
        if (v instanceof Integer i) {
            return i.longValue();
        }
        return v;
    }

    /**
     * Nix to Java, forcing everything: packages become their Debian name, paths their file name, null stays null.
     */
    static Object toPlain(Object v) {
        v = Thunk.force(v);
        if (v == NixNull.NULL) {
            return null;
        }
        if (v instanceof NixPath p) {
            return p.path();
        }
        if (v instanceof NixList l) {
            List<Object> out = new ArrayList<>(l.size());
            for (int k = 0; k < l.size(); k++) {
                out.add(toPlain(l.get(k)));
            }
            return java.util.Collections.unmodifiableList(out);
        }
        if (v instanceof NixAttrs a) {
            if (Packages.isPackage(a)) {
                return Packages.debianName(a);
            }
            if (a.has("outPath") || a.has("__toString")) {
                return Calls.coerce(a);
            }
            Map<String, Object> out = new LinkedHashMap<>();
            for (var e : a.map().entrySet()) {
                out.put(e.getKey(), toPlain(e.getValue()));
            }
            return java.util.Collections.unmodifiableMap(out);
        }
        if (v instanceof NixFunction) {
            throw new NixException("a function cannot be an option value", Pos.NONE);
        }
        return v;
    }
}
