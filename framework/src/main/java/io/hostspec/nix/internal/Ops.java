package io.hostspec.nix.internal;

import io.hostspec.nix.NixAttrs;
import io.hostspec.nix.NixException;
import io.hostspec.nix.NixFunction;
import io.hostspec.nix.NixList;
import io.hostspec.nix.NixNull;
import io.hostspec.nix.NixPath;
import io.hostspec.nix.NixPrinter;
import io.hostspec.nix.Pos;
import io.hostspec.nix.Thunk;

/** The value operations every part of the evaluator shares: forcing with type checks, coercion, comparison. */
final class Ops {

    private Ops() {
    }

    static Object force(Object v) {
        return v instanceof Thunk t ? t.force() : v;
    }

    /** Nix's description of a value's type in errors: "an integer", "a set", ... */
    static String showType(Object v) {
        if (v instanceof Long) {
            return "an integer";
        }
        if (v instanceof Double) {
            return "a float";
        }
        if (v instanceof Boolean) {
            return "a Boolean";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof NixPath) {
            return "a path";
        }
        if (v == NixNull.NULL) {
            return "null";
        }
        if (v instanceof NixAttrs) {
            return "a set";
        }
        if (v instanceof NixList) {
            return "a list";
        }
        if (v instanceof PrimOp p) {
            return "the built-in function '" + p.name + "'";
        }
        if (v instanceof PrimOp.Partial p) {
            return "the partially applied built-in function '" + p.op.name + "'";
        }
        if (v instanceof NixFunction) {
            return "a function";
        }
        if (v instanceof Thunk) {
            return "a thunk";
        }
        return "an unknown value";
    }

    /** {@code builtins.typeOf}. */
    static String typeOf(Object v) {
        if (v instanceof Long) {
            return "int";
        }
        if (v instanceof Double) {
            return "float";
        }
        if (v instanceof Boolean) {
            return "bool";
        }
        if (v instanceof String) {
            return "string";
        }
        if (v instanceof NixPath) {
            return "path";
        }
        if (v == NixNull.NULL) {
            return "null";
        }
        if (v instanceof NixAttrs) {
            return "set";
        }
        if (v instanceof NixList) {
            return "list";
        }
        return "lambda";
    }

    static NixException typeError(String expected, Object v, Pos pos) {
        return new NixException("expected " + expected + " but found " + showType(v) + ": " + NixPrinter.brief(v),
                pos);
    }

    static NixAttrs attrs(Object v, Pos pos) {
        v = force(v);
        if (v instanceof NixAttrs a) {
            return a;
        }
        throw typeError("a set", v, pos);
    }

    static NixList list(Object v, Pos pos) {
        v = force(v);
        if (v instanceof NixList l) {
            return l;
        }
        throw typeError("a list", v, pos);
    }

    static String string(Object v, Pos pos) {
        v = force(v);
        if (v instanceof String s) {
            return s;
        }
        throw typeError("a string", v, pos);
    }

    static long integer(Object v, Pos pos) {
        v = force(v);
        if (v instanceof Long l) {
            return l;
        }
        throw typeError("an integer", v, pos);
    }

    static boolean bool(Object v, Pos pos) {
        v = force(v);
        if (v instanceof Boolean b) {
            return b;
        }
        throw typeError("a Boolean", v, pos);
    }

    static Object function(Object v, Pos pos) {
        v = force(v);
        if (v instanceof NixFunction || v instanceof NixAttrs a && a.has("__functor")) {
            return v;
        }
        throw typeError("a function", v, pos);
    }

    /** Calls a function (or a set with {@code __functor}) with one argument. */
    static Object apply(Object f, Object arg, Pos pos) {
        f = force(f);
        if (f instanceof NixFunction fn) {
            return fn.apply(arg, pos);
        }
        if (f instanceof NixAttrs a && a.has("__functor")) {
            Object functor = a.lazy("__functor");
            return apply(apply(functor, a, pos), arg, pos);
        }
        throw new NixException("attempt to call something which is not a function but " + showType(f) + ": "
                + NixPrinter.brief(f), pos);
    }

    /** Calls a function with two arguments. */
    static Object apply2(Object f, Object a, Object b, Pos pos) {
        return force(apply(force(apply(f, a, pos)), b, pos));
    }

    /**
     * Coerces to a string the way interpolation ({@code coerceMore} false) or {@code toString} (true) does.
     */
    static String coerce(Object v, Pos pos, boolean coerceMore) {
        v = force(v);
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof NixPath p) {
            return p.path();
        }
        if (v instanceof NixAttrs a) {
            if (a.has("__toString")) {
                Object r = force(apply(a.lazy("__toString"), a, pos));
                if (!(r instanceof String) && !(r instanceof NixPath) && !(r instanceof NixAttrs)) {
                    throw new NixException("cannot coerce " + showType(r) + " to a string: " + NixPrinter.brief(r),
                            pos);
                }
                return coerce(r, pos, coerceMore);
            }
            if (a.has("outPath")) {
                return coerce(a.lazy("outPath"), pos, coerceMore);
            }
        }
        if (coerceMore) {
            if (v instanceof Boolean b) {
                return b ? "1" : "";
            }
            if (v == NixNull.NULL) {
                return "";
            }
            if (v instanceof Long l) {
                return l.toString();
            }
            if (v instanceof Double d) {
                return String.format(java.util.Locale.ROOT, "%f", d);
            }
            if (v instanceof NixList l) {
                StringBuilder b = new StringBuilder();
                for (int k = 0; k < l.size(); k++) {
                    if (k > 0) {
                        b.append(' ');
                    }
                    Object item = l.get(k);
                    String s = coerce(item, pos, true);
                    if (k > 0 && item instanceof NixList inner && inner.isEmpty()) {
                        b.setLength(b.length() - 1);
                    }
                    b.append(s);
                }
                return b.toString();
            }
        }
        throw new NixException("cannot coerce " + showType(v) + " to a string: " + NixPrinter.brief(v), pos);
    }

    /** Nix's {@code ==}. */
    static boolean eq(Object a, Object b, Pos pos) {
        if (a == b && !(a instanceof Thunk)) {
            return !(a instanceof NixFunction);
        }
        a = force(a);
        b = force(b);
        if (a == b) {
            return !(a instanceof NixFunction);
        }
        if ((a instanceof Long || a instanceof Double) && (b instanceof Long || b instanceof Double)) {
            if (a instanceof Long x && b instanceof Long y) {
                return x.longValue() == y.longValue();
            }
            return ((Number) a).doubleValue() == ((Number) b).doubleValue();
        }
        if (a instanceof String x) {
            return b instanceof String y && x.equals(y);
        }
        if (a instanceof NixPath x) {
            return b instanceof NixPath y && x.equals(y);
        }
        if (a instanceof Boolean x) {
            return x.equals(b);
        }
        if (a instanceof NixList x) {
            if (!(b instanceof NixList y) || x.size() != y.size()) {
                return false;
            }
            for (int k = 0; k < x.size(); k++) {
                if (x.lazy(k) != y.lazy(k) && !eq(x.lazy(k), y.lazy(k), pos)) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof NixAttrs x) {
            if (!(b instanceof NixAttrs y)) {
                return false;
            }
            if (x.isDerivation() && y.isDerivation() && x.has("outPath") && y.has("outPath")) {
                return eq(x.lazy("outPath"), y.lazy("outPath"), pos);
            }
            if (x.size() != y.size()) {
                return false;
            }
            var ix = x.map().entrySet().iterator();
            var iy = y.map().entrySet().iterator();
            while (ix.hasNext()) {
                var ex = ix.next();
                var ey = iy.next();
                if (!ex.getKey().equals(ey.getKey())) {
                    return false;
                }
                if (ex.getValue() != ey.getValue() && !eq(ex.getValue(), ey.getValue(), pos)) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }

    /** Nix's ordering ({@code <}, {@code builtins.lessThan}, {@code sort}'s default). */
    static int compare(Object a, Object b, Pos pos) {
        a = force(a);
        b = force(b);
        if ((a instanceof Long || a instanceof Double) && (b instanceof Long || b instanceof Double)) {
            if (a instanceof Long x && b instanceof Long y) {
                return Long.compare(x, y);
            }
            return Double.compare(((Number) a).doubleValue(), ((Number) b).doubleValue());
        }
        if (a instanceof String x && b instanceof String y) {
            return x.compareTo(y);
        }
        if (a instanceof NixPath x && b instanceof NixPath y) {
            return x.compareTo(y);
        }
        if (a instanceof NixList x && b instanceof NixList y) {
            for (int k = 0; ; k++) {
                if (k == y.size()) {
                    return k == x.size() ? 0 : 1;
                }
                if (k == x.size()) {
                    return -1;
                }
                if (!eq(x.lazy(k), y.lazy(k), pos)) {
                    return compare(x.lazy(k), y.lazy(k), pos);
                }
            }
        }
        throw new NixException("cannot compare " + showType(a) + " with " + showType(b), pos);
    }
}
