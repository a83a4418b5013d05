package io.hostspec.nix.internal;

import io.hostspec.nix.NixAttrs;
import io.hostspec.nix.NixException;
import io.hostspec.nix.NixFunction;
import io.hostspec.nix.NixList;
import io.hostspec.nix.NixNull;
import io.hostspec.nix.NixPath;
import io.hostspec.nix.NixPrinter;
import io.hostspec.nix.Pos;

import java.util.TreeMap;

/** Built-ins of types, arithmetic and control: typeOf and is*, add..div, bit ops, throw, tryEval, seq, trace. */
final class CoreBuiltins {

    private CoreBuiltins() {
    }

    static void install(EvalState.Registry r, EvalState state) {
        r.def("typeOf", 1, (a, p) -> Ops.typeOf(Ops.force(a[0])));
        r.def("isAttrs", 1, (a, p) -> Ops.force(a[0]) instanceof NixAttrs);
        r.def("isList", 1, (a, p) -> Ops.force(a[0]) instanceof NixList);
        r.def("isFunction", 1, (a, p) -> Ops.force(a[0]) instanceof NixFunction);
        r.def("isString", 1, (a, p) -> Ops.force(a[0]) instanceof String);
        r.def("isInt", 1, (a, p) -> Ops.force(a[0]) instanceof Long);
        r.def("isFloat", 1, (a, p) -> Ops.force(a[0]) instanceof Double);
        r.def("isBool", 1, (a, p) -> Ops.force(a[0]) instanceof Boolean);
        r.def("isPath", 1, (a, p) -> Ops.force(a[0]) instanceof NixPath);
        r.def("isNull", 1, (a, p) -> Ops.force(a[0]) == NixNull.NULL);
        r.def("add", 2, (a, p) -> num(OpExprs.Op.ADD, a, p));
        r.def("sub", 2, (a, p) -> num(OpExprs.Op.SUB, a, p));
        r.def("mul", 2, (a, p) -> num(OpExprs.Op.MUL, a, p));
        r.def("div", 2, (a, p) -> num(OpExprs.Op.DIV, a, p));
        r.def("lessThan", 2, (a, p) -> Ops.compare(a[0], a[1], p) < 0);
        r.def("bitAnd", 2, (a, p) -> Ops.integer(a[0], p) & Ops.integer(a[1], p));
        r.def("bitOr", 2, (a, p) -> Ops.integer(a[0], p) | Ops.integer(a[1], p));
        r.def("bitXor", 2, (a, p) -> Ops.integer(a[0], p) ^ Ops.integer(a[1], p));
        r.def("ceil", 1, (a, p) -> round(a[0], p, true));
        r.def("floor", 1, (a, p) -> round(a[0], p, false));
        r.def("throw", 1, (a, p) -> {
            throw new NixException.Catchable(Ops.coerce(a[0], p, false), p);
        });
        r.def("abort", 1, (a, p) -> {
            throw new NixException("evaluation aborted with the following error message: '"
                    + Ops.coerce(a[0], p, false) + "'", p);
        });
        r.def("seq", 2, (a, p) -> {
            Ops.force(a[0]);
            return Ops.force(a[1]);
        });
        r.def("deepSeq", 2, (a, p) -> {
            deep(a[0], p, java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>()));
            return Ops.force(a[1]);
        });
        r.def("tryEval", 1, (a, p) -> {
            TreeMap<String, Object> m = new TreeMap<>();
            try {
                m.put("value", Ops.force(a[0]));
                m.put("success", true);
            } catch (NixException e) {
                if (!e.isCatchable()) {
                    throw e;
                }
                m.put("value", false);
                m.put("success", false);
            }
            return new NixAttrs(m, null);
        });
        r.def("trace", 2, (a, p) -> {
            System.err.println("trace: " + NixPrinter.print(Ops.force(a[0]), true));
            return Ops.force(a[1]);
        });
        r.def("warn", 2, (a, p) -> {
            System.err.println("evaluation warning: " + Ops.string(a[0], p));
            return Ops.force(a[1]);
        });
        r.def("traceVerbose", 2, (a, p) -> Ops.force(a[1]));
        r.def("addErrorContext", 2, (a, p) -> {
            try {
                return Ops.force(a[1]);
            } catch (NixException e) {
                throw e.addFrame(Ops.coerce(a[0], p, false), p);
            }
        });
        r.def("break", 1, (a, p) -> Ops.force(a[0]));
        r.def("functionArgs", 1, (a, p) -> {
            Object f = Ops.force(a[0]);
            TreeMap<String, Object> m = new TreeMap<>();
            java.util.Map<String, Pos> pos = new java.util.HashMap<>();
            if (f instanceof Lambda l && l.fn.formals != null) {
                for (Exprs.Formal formal : l.fn.formals) {
                    m.put(formal.name(), formal.def() != null);
                    pos.put(formal.name(), formal.pos());
                }
            } else if (!(f instanceof NixFunction)) {
                throw Ops.typeError("a function", f, p);
            }
            return new NixAttrs(m, pos);
        });
        r.def("unsafeGetAttrPos", 2, (a, p) -> {
            String name = Ops.string(a[0], p);
            NixAttrs set = Ops.attrs(a[1], p);
            Pos at = set.pos(name);
            return at == null ? NixNull.NULL : Arith.posAttrs(at);
        });
        r.def("genericClosure", 1, (a, p) -> DataBuiltins.genericClosure(Ops.attrs(a[0], p), p));
        r.constant("langVersion", 6L);
        r.constant("nixVersion", "2.24.0-hostspec");
        r.constant("currentSystem", "x86_64-linux");
        r.constant("storeDir", "/nix/store");
    }

    private static Object num(OpExprs.Op op, Object[] a, Pos p) {
        Object x = Ops.force(a[0]);
        Object y = Ops.force(a[1]);
        if (!(x instanceof Long || x instanceof Double)) {
            throw Ops.typeError("an integer", x, p);
        }
        if (!(y instanceof Long || y instanceof Double)) {
            throw Ops.typeError("an integer", y, p);
        }
        return Arith.arith(op, x, y, p);
    }

    private static Object round(Object a, Pos p, boolean up) {
        Object v = Ops.force(a);
        if (v instanceof Long l) {
            return l;
        }
        if (v instanceof Double d) {
            double r = up ? Math.ceil(d) : Math.floor(d);
            if (r >= 9.223372036854775807E18 || r < -9.223372036854775808E18 || Double.isNaN(r)) {
                throw new NixException("float " + NixPrinter.brief(d) + " does not fit into an integer", p);
            }
            return (long) r;
        }
        throw Ops.typeError("a float", v, p);
    }

    /** Forces a value and everything inside it. */
    static void deep(Object v, Pos p, java.util.Set<Object> seen) {
        v = Ops.force(v);
        if ((v instanceof NixList || v instanceof NixAttrs) && !seen.add(v)) {
            return;
        }
        if (v instanceof NixList l) {
            for (int k = 0; k < l.size(); k++) {
                deep(l.lazy(k), p, seen);
            }
        } else if (v instanceof NixAttrs s) {
            for (var e : s.map().entrySet()) {
                try {
                    deep(e.getValue(), p, seen);
                } catch (NixException err) {
                    Pos at = s.pos(e.getKey());
                    throw err.addFrame("while evaluating the attribute '" + e.getKey() + "'", at != null ? at : p);
                }
            }
        }
    }
}
