package io.hostspec.nix.internal;

import io.hostspec.nix.NixAttrs;
import io.hostspec.nix.NixException;
import io.hostspec.nix.Pos;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The syntax tree nodes that bind or look up names: variables, selection, {@code ?}, let, with and lambdas. Set
 * literals are in {@link SetExprs}.
 */
final class Exprs {

    private Exprs() {
    }

    /** A variable, resolved to a slot of an enclosing scope or to the enclosing {@code with} sets. */
    static final class Var extends Expr {
        final String name;
        int level;
        int slot;

        Var(Pos pos, String name) {
            super(pos);
            this.name = name;
        }

        @Override
        void bind(Scope scope) {
            int[] r = scope.resolve(name, pos);
            level = r[0];
            slot = r[1];
        }

        @Override
        Object eval(Env env) {
            return Ops.force(lookup(env));
        }

        @Override
        Object lazy(Env env) {
            if (slot >= 0) {
                Env e = env;
                for (int k = level; k > 0; k--) {
                    e = e.up;
                }
                Object v = e.vals[slot];
                if (v != null) {
                    return v;
                }
            }
            return super.lazy(env);
        }

        private Object lookup(Env env) {
            Env e = env;
            for (int k = level; k > 0; k--) {
                e = e.up;
            }
            if (slot >= 0) {
                Object v = e.vals[slot];
                if (v == null) {
                    throw new NixException("infinite recursion encountered", pos);
                }
                return v;
            }
            while (true) {
                NixAttrs a;
                try {
                    a = Ops.attrs(e.vals[0], e.with.pos);
                } catch (NixException x) {
                    throw x.addFrame("while evaluating the first subexpression of a with expression", e.with.pos);
                }
                Object v = a.lazy(name);
                if (v != null) {
                    return v;
                }
                int d = e.with.prevWith;
                if (d == 0) {
                    throw new NixException("undefined variable '" + name + "'", pos);
                }
                for (; d > 0; d--) {
                    e = e.up;
                }
            }
        }
    }

    /** An attribute name in a path: static, or an expression ({@code ${e}} or an interpolated string). */
    record AttrName(String name, Expr dyn) {
        String eval(Env env) {
            return name != null ? name : Ops.string(dyn.eval(env), dyn.pos);
        }

        void bind(Scope s) {
            if (dyn != null) {
                dyn.bind(s);
            }
        }

        @Override
        public String toString() {
            return name != null ? name : "${...}";
        }
    }

    /** {@code e.a.b or d}. */
    static final class Select extends Expr {
        final Expr e;
        final List<AttrName> path;
        final Expr def;

        Select(Pos pos, Expr e, List<AttrName> path, Expr def) {
            super(pos);
            this.e = e;
            this.path = path;
            this.def = def;
        }

        @Override
        void bind(Scope scope) {
            e.bind(scope);
            path.forEach(a -> a.bind(scope));
            if (def != null) {
                def.bind(scope);
            }
        }

        @Override
        Object eval(Env env) {
            Object v = e.eval(env);
            for (int k = 0; k < path.size(); k++) {
                String n = path.get(k).eval(env);
                if (!(v instanceof NixAttrs a)) {
                    if (def != null) {
                        return def.eval(env);
                    }
                    throw Ops.typeError("a set", v, pos).addFrame("while selecting an attribute", pos);
                }
                Object x = a.lazy(n);
                if (x == null) {
                    if (def != null) {
                        return def.eval(env);
                    }
                    throw new NixException("attribute '" + n + "' missing"
                            + Suggest.didYouMean(n, a.map().keySet()), pos);
                }
                try {
                    v = Ops.force(x);
                } catch (NixException err) {
                    Pos at = a.pos(n);
                    throw err.addFrame("while evaluating the attribute '" + n + "'", at != null ? at : pos);
                }
            }
            return v;
        }
    }

    /** {@code e ? a.b}. */
    static final class HasAttr extends Expr {
        final Expr e;
        final List<AttrName> path;

        HasAttr(Pos pos, Expr e, List<AttrName> path) {
            super(pos);
            this.e = e;
            this.path = path;
        }

        @Override
        void bind(Scope scope) {
            e.bind(scope);
            path.forEach(a -> a.bind(scope));
        }

        @Override
        Object eval(Env env) {
            Object v = e.eval(env);
            for (AttrName name : path) {
                String n = name.eval(env);
                if (!(v instanceof NixAttrs a) || !a.has(n)) {
                    return false;
                }
                v = a.get(n);
            }
            return true;
        }
    }

    /** {@code let ... in body}. */
    static final class Let extends Expr {
        final SetExprs.Attrs binds;
        final Expr body;

        Let(Pos pos, SetExprs.Attrs binds, Expr body) {
            super(pos);
            this.binds = binds;
            this.body = body;
        }

        @Override
        void bind(Scope scope) {
            body.bind(binds.bindRec(scope));
        }

        @Override
        Object eval(Env env) {
            return body.eval(binds.recEnv(env));
        }
    }

    /** {@code with e; body}. */
    static final class With extends Expr {
        final Expr attrs;
        final Expr body;
        int prevWith;

        With(Pos pos, Expr attrs, Expr body) {
            super(pos);
            this.attrs = attrs;
            this.body = body;
        }

        @Override
        void bind(Scope scope) {
            attrs.bind(scope);
            int d = scope.distanceToWith();
            prevWith = d < 0 ? 0 : d + 1;
            body.bind(new Scope(scope, Map.of(), true));
        }

        @Override
        Object eval(Env env) {
            return body.eval(new Env(env, new Object[]{attrs.lazy(env)}, this));
        }
    }

    /**
     * One formal argument of a lambda.
     *
     * @param name the name
     * @param def  its default, or null
     * @param pos  where it is written
     */
    record Formal(String name, Expr def, Pos pos) {
    }

    /** A lambda: {@code x: body}, {@code { a, b ? 1, ... } @ args: body}. */
    static final class Fn extends Expr {
        final String arg;
        final List<Formal> formals;
        final boolean ellipsis;
        final Expr body;
        final Set<String> formalNames = new LinkedHashSet<>();
        String name;
        int envSize;

        Fn(Pos pos, String arg, List<Formal> formals, boolean ellipsis, Expr body) {
            super(pos);
            this.arg = arg;
            this.formals = formals;
            this.ellipsis = ellipsis;
            this.body = body;
            if (formals != null) {
                formals.forEach(f -> formalNames.add(f.name()));
            }
        }

        String displayName() {
            return name == null ? "anonymous lambda" : name;
        }

        @Override
        void bind(Scope scope) {
            List<String> names = new ArrayList<>();
            if (formals != null) {
                names.addAll(formalNames);
            }
            if (arg != null) {
                names.add(arg);
            }
            envSize = names.size();
            Scope inner = Scope.of(scope, names);
            if (formals != null) {
                for (Formal f : formals) {
                    if (f.def() != null) {
                        f.def().bind(inner);
                    }
                }
            }
            body.bind(inner);
        }

        @Override
        Object eval(Env env) {
            return new Lambda(this, env);
        }

        @Override
        Object lazy(Env env) {
            return new Lambda(this, env);
        }
    }
}
