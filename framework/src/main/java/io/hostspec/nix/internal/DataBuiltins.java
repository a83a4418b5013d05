package io.hostspec.nix.internal;

import io.hostspec.nix.NixAttrs;
import io.hostspec.nix.NixException;
import io.hostspec.nix.NixList;
import io.hostspec.nix.Pos;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Built-ins of lists and attribute sets. */
final class DataBuiltins {

    private DataBuiltins() {
    }

    static void install(EvalState.Registry r) {
        r.def("map", 2, (a, p) -> {
            Object f = a[0];
            NixList l = Ops.list(a[1], p);
            Object[] out = new Object[l.size()];
            for (int k = 0; k < out.length; k++) {
                out[k] = new Apply(f, l.lazy(k), p);
            }
            return new NixList(out);
        });
        r.def("filter", 2, (a, p) -> {
            Object f = Ops.function(a[0], p);
            NixList l = Ops.list(a[1], p);
            List<Object> out = new ArrayList<>();
            for (int k = 0; k < l.size(); k++) {
                if (Ops.bool(Ops.apply(f, l.lazy(k), p), p)) {
                    out.add(l.lazy(k));
                }
            }
            return out.size() == l.size() ? l : NixList.of(out);
        });
        r.def("foldl'", 3, (a, p) -> {
            Object f = Ops.function(a[0], p);
            Object acc = a[1];
            NixList l = Ops.list(a[2], p);
            for (int k = 0; k < l.size(); k++) {
                acc = Ops.apply2(f, acc, l.lazy(k), p);
            }
            return Ops.force(acc);
        });
        r.def("genList", 2, (a, p) -> {
            Object f = a[0];
            long n = Ops.integer(a[1], p);
            if (n < 0) {
                throw new NixException("cannot create list of size " + n, p);
            }
            Object[] out = new Object[(int) n];
            for (int k = 0; k < n; k++) {
                out[k] = new Apply(f, (long) k, p);
            }
            return new NixList(out);
        });
        r.def("elem", 2, (a, p) -> {
            NixList l = Ops.list(a[1], p);
            for (int k = 0; k < l.size(); k++) {
                if (Ops.eq(a[0], l.lazy(k), p)) {
                    return true;
                }
            }
            return false;
        });
        r.def("elemAt", 2, (a, p) -> {
            NixList l = Ops.list(a[0], p);
            long n = Ops.integer(a[1], p);
            if (n < 0 || n >= l.size()) {
                throw new NixException("'builtins.elemAt' called with index " + n + " on a list of size " + l.size(),
                        p);
            }
            return l.get((int) n);
        });
        r.def("head", 1, (a, p) -> {
            NixList l = Ops.list(a[0], p);
            if (l.isEmpty()) {
                throw new NixException("'builtins.head' called on an empty list", p);
            }
            return l.get(0);
        });
        r.def("tail", 1, (a, p) -> {
            NixList l = Ops.list(a[0], p);
            if (l.isEmpty()) {
                throw new NixException("'builtins.tail' called on an empty list", p);
            }
            return new NixList(Arrays.copyOfRange(l.items(), 1, l.size()));
        });
        r.def("length", 1, (a, p) -> (long) Ops.list(a[0], p).size());
        r.def("concatLists", 1, (a, p) -> {
            NixList l = Ops.list(a[0], p);
            List<Object> out = new ArrayList<>();
            for (int k = 0; k < l.size(); k++) {
                out.addAll(Arrays.asList(Ops.list(l.lazy(k), p).items()));
            }
            return NixList.of(out);
        });
        r.def("concatMap", 2, (a, p) -> {
            Object f = Ops.function(a[0], p);
            NixList l = Ops.list(a[1], p);
            List<Object> out = new ArrayList<>();
            for (int k = 0; k < l.size(); k++) {
                out.addAll(Arrays.asList(Ops.list(Ops.apply(f, l.lazy(k), p), p).items()));
            }
            return NixList.of(out);
        });
        r.def("sort", 2, (a, p) -> {
            Object f = Ops.function(a[0], p);
            NixList l = Ops.list(a[1], p);
            Object[] items = l.items().clone();
            for (Object o : items) {
                Ops.force(o);
            }
            Arrays.sort(items, (x, y) -> {
                if (Ops.bool(Ops.apply2(f, x, y, p), p)) {
                    return -1;
                }
                return Ops.bool(Ops.apply2(f, y, x, p), p) ? 1 : 0;
            });
            return new NixList(items);
        });
        r.def("all", 2, (a, p) -> {
            Object f = Ops.function(a[0], p);
            NixList l = Ops.list(a[1], p);
            for (int k = 0; k < l.size(); k++) {
                if (!Ops.bool(Ops.apply(f, l.lazy(k), p), p)) {
                    return false;
                }
            }
            return true;
        });
        r.def("any", 2, (a, p) -> {
            Object f = Ops.function(a[0], p);
            NixList l = Ops.list(a[1], p);
            for (int k = 0; k < l.size(); k++) {
                if (Ops.bool(Ops.apply(f, l.lazy(k), p), p)) {
                    return true;
                }
            }
            return false;
        });
        r.def("partition", 2, (a, p) -> {
            Object f = Ops.function(a[0], p);
            NixList l = Ops.list(a[1], p);
            List<Object> right = new ArrayList<>();
            List<Object> wrong = new ArrayList<>();
            for (int k = 0; k < l.size(); k++) {
                (Ops.bool(Ops.apply(f, l.lazy(k), p), p) ? right : wrong).add(l.lazy(k));
            }
            TreeMap<String, Object> m = new TreeMap<>();
            m.put("right", NixList.of(right));
            m.put("wrong", NixList.of(wrong));
            return new NixAttrs(m, null);
        });
        r.def("groupBy", 2, (a, p) -> {
            Object f = Ops.function(a[0], p);
            NixList l = Ops.list(a[1], p);
            Map<String, List<Object>> groups = new LinkedHashMap<>();
            for (int k = 0; k < l.size(); k++) {
                String key = Ops.string(Ops.apply(f, l.lazy(k), p), p);
                groups.computeIfAbsent(key, x -> new ArrayList<>()).add(l.lazy(k));
            }
            TreeMap<String, Object> m = new TreeMap<>();
            groups.forEach((k, v) -> m.put(k, NixList.of(v)));
            return new NixAttrs(m, null);
        });
        r.def("listToAttrs", 1, (a, p) -> {
            NixList l = Ops.list(a[0], p);
            TreeMap<String, Object> m = new TreeMap<>();
            for (int k = 0; k < l.size(); k++) {
                NixAttrs e = Ops.attrs(l.lazy(k), p);
                Object name = e.lazy("name");
                if (name == null) {
                    throw new NixException("attribute 'name' missing", p)
                            .addFrame("while evaluating an element of the list passed to builtins.listToAttrs", p);
                }
                String n = Ops.string(name, p);
                Object value = e.lazy("value");
                if (value == null) {
                    throw new NixException("attribute 'value' missing", p)
                            .addFrame("while evaluating an element of the list passed to builtins.listToAttrs", p);
                }
                m.putIfAbsent(n, value);
            }
            return new NixAttrs(m, null);
        });
        r.def("attrNames", 1, (a, p) -> NixList.of(new ArrayList<>(Ops.attrs(a[0], p).map().keySet())));
        r.def("attrValues", 1, (a, p) -> NixList.of(new ArrayList<>(Ops.attrs(a[0], p).map().values())));
        r.def("getAttr", 2, (a, p) -> {
            String n = Ops.string(a[0], p);
            NixAttrs s = Ops.attrs(a[1], p);
            if (!s.has(n)) {
                throw new NixException("attribute '" + n + "' missing" + Suggest.didYouMean(n, s.map().keySet()), p);
            }
            return s.get(n);
        });
        r.def("hasAttr", 2, (a, p) -> Ops.attrs(a[1], p).has(Ops.string(a[0], p)));
        r.def("mapAttrs", 2, (a, p) -> {
            Object f = a[0];
            NixAttrs s = Ops.attrs(a[1], p);
            TreeMap<String, Object> m = new TreeMap<>();
            for (var e : s.map().entrySet()) {
                m.put(e.getKey(), new Apply(new Apply(f, e.getKey(), p), e.getValue(), p));
            }
            return new NixAttrs(m, s.positions());
        });
        r.def("removeAttrs", 2, (a, p) -> {
            NixAttrs s = Ops.attrs(a[0], p);
            NixList names = Ops.list(a[1], p);
            TreeMap<String, Object> m = new TreeMap<>(s.map());
            for (int k = 0; k < names.size(); k++) {
                m.remove(Ops.string(names.lazy(k), p));
            }
            return new NixAttrs(m, s.positions());
        });
        r.def("intersectAttrs", 2, (a, p) -> {
            NixAttrs x = Ops.attrs(a[0], p);
            NixAttrs y = Ops.attrs(a[1], p);
            TreeMap<String, Object> m = new TreeMap<>();
            for (var e : y.map().entrySet()) {
                if (x.has(e.getKey())) {
                    m.put(e.getKey(), e.getValue());
                }
            }
            return new NixAttrs(m, y.positions());
        });
        r.def("catAttrs", 2, (a, p) -> {
            String n = Ops.string(a[0], p);
            NixList l = Ops.list(a[1], p);
            List<Object> out = new ArrayList<>();
            for (int k = 0; k < l.size(); k++) {
                NixAttrs s = Ops.attrs(l.lazy(k), p);
                if (s.has(n)) {
                    out.add(s.lazy(n));
                }
            }
            return NixList.of(out);
        });
        r.def("zipAttrsWith", 2, (a, p) -> {
            Object f = a[0];
            NixList l = Ops.list(a[1], p);
            Map<String, List<Object>> acc = new TreeMap<>();
            for (int k = 0; k < l.size(); k++) {
                for (var e : Ops.attrs(l.lazy(k), p).map().entrySet()) {
                    acc.computeIfAbsent(e.getKey(), x -> new ArrayList<>()).add(e.getValue());
                }
            }
            TreeMap<String, Object> m = new TreeMap<>();
            acc.forEach((k, v) -> m.put(k, new Apply(new Apply(f, k, p), NixList.of(v), p)));
            return new NixAttrs(m, null);
        });
    }

    static Object genericClosure(NixAttrs args, Pos p) {
        if (!args.has("startSet")) {
            throw new NixException("attribute 'startSet' missing", p);
        }
        if (!args.has("operator")) {
            throw new NixException("attribute 'operator' missing", p);
        }
        NixList start = Ops.list(args.lazy("startSet"), p);
        Object op = args.lazy("operator");
        java.util.ArrayDeque<Object> work = new java.util.ArrayDeque<>(Arrays.asList(start.items()));
        List<Object> out = new ArrayList<>();
        List<Object> seenKeys = new ArrayList<>();
        while (!work.isEmpty()) {
            Object e = work.removeFirst();
            NixAttrs item = Ops.attrs(e, p);
            if (!item.has("key")) {
                throw new NixException("attribute 'key' missing", p);
            }
            Object key = item.get("key");
            boolean seen = false;
            for (Object s : seenKeys) {
                if (Ops.eq(s, key, p)) {
                    seen = true;
                    break;
                }
            }
            if (seen) {
                continue;
            }
            seenKeys.add(key);
            out.add(e);
            NixList more = Ops.list(Ops.apply(op, e, p), p);
            work.addAll(Arrays.asList(more.items()));
        }
        return NixList.of(out);
    }

}
