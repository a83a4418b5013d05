package io.hostspec.nix.internal;

import io.hostspec.nix.Pos;

/** Function application for code outside the evaluator (the module bridge, the CLI's auto-call). */
public final class Calls {

    private Calls() {
    }

    /** Applies a function (or a set with {@code __functor}) to an argument. */
    public static Object apply(Object f, Object arg) {
        return Ops.apply(f, arg, Pos.NONE);
    }

    /** Coerces a value to a string as string interpolation does. */
    public static String coerce(Object v) {
        return Ops.coerce(v, Pos.NONE, false);
    }

    /** Nix's type name of a value ({@code builtins.typeOf}). */
    public static String typeOf(Object v) {
        return Ops.typeOf(Ops.force(v));
    }

    /** Nix's description of a value's type in messages ("an integer", "a set"). */
    public static String showType(Object v) {
        return Ops.showType(Ops.force(v));
    }

    /**
     * What nix-instantiate does with a file's value: a function with formal arguments is called with the given
     * arguments it accepts (its defaults fill the rest); any other value is returned as it is.
     */
    public static Object autoCall(Object v, java.util.Map<String, Object> args) {
        Object f = Ops.force(v);
        if (f instanceof Lambda l && l.fn.formals != null) {
            java.util.TreeMap<String, Object> m = new java.util.TreeMap<>();
            args.forEach((k, x) -> {
                if (l.fn.ellipsis || l.fn.formalNames.contains(k)) {
                    m.put(k, x);
                }
            });
            return Ops.force(l.apply(new io.hostspec.nix.NixAttrs(m, null), Pos.NONE));
        }
        return f;
    }

    /** Selects an attribute path ({@code -A a.b.c}), with "did you mean" when missing. */
    public static Object select(Object v, String path) {
        Object cur = Ops.force(v);
        for (String seg : path.split("\\.")) {
            if (seg.isEmpty()) {
                continue;
            }
            io.hostspec.nix.NixAttrs a = Ops.attrs(cur, Pos.NONE);
            if (!a.has(seg)) {
                throw new io.hostspec.nix.NixException("attribute '" + seg + "' in selection path '" + path
                        + "' not found" + Suggest.didYouMean(seg, a.map().keySet()), Pos.NONE);
            }
            cur = a.get(seg);
        }
        return cur;
    }

    /** {@code builtins.toJSON} of a value, forcing it entirely. */
    public static String toJson(Object v) {
        return Json.write(v, Pos.NONE);
    }

    /** Forces a value that must be a set. */
    public static io.hostspec.nix.NixAttrs attrs(Object v) {
        return Ops.attrs(v, Pos.NONE);
    }
}
