package io.hostspec.nix.internal;

import io.hostspec.nix.NixAttrs;
import io.hostspec.nix.NixException;
import io.hostspec.nix.NixNull;
import io.hostspec.nix.Pos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The syntax tree nodes that bind or look up names: variables, sets, let, with, selection, lambdas. */
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

    /** How an attribute of a set literal gets its value. */
    enum Kind { PLAIN, INHERITED, INHERITED_FROM }

    /** One static attribute of a set literal. */
    static final class AttrDef {
        Expr e;
        final Pos pos;
        final Kind kind;

        AttrDef(Expr e, Pos pos, Kind kind) {
            this.e = e;
            this.pos = pos;
            this.kind = kind;
        }
    }

    /** A dynamic attribute {@code ${name} = value;}. */
    record DynAttr(Expr name, Expr value, Pos pos) {
    }

    /** The value of {@code inherit (e)}'s set, stored in a slot after a set's own attributes. */
    static final class InheritFrom extends Expr {
        Attrs owner;
        int index;

        InheritFrom(Pos pos, Attrs owner, int index) {
            super(pos);
            this.owner = owner;
            this.index = index;
        }

        @Override
        void bind(Scope scope) {
        }

        @Override
        Object eval(Env env) {
            return Ops.force(env.vals[owner.attrs.size() + index]);
        }
    }

    /** A set literal, recursive or not; also the bindings of {@code let}. */
    static final class Attrs extends Expr {
        boolean rec;
        final LinkedHashMap<String, AttrDef> attrs = new LinkedHashMap<>();
        final List<DynAttr> dyn = new ArrayList<>();
        final List<Expr> inheritFrom = new ArrayList<>();
        private Map<String, Pos> positions;

        Attrs(Pos pos, boolean rec) {
            super(pos);
            this.rec = rec;
        }

        @Override
        void bind(Scope scope) {
            positions = new HashMap<>();
            attrs.forEach((k, d) -> positions.put(k, d.pos));
            if (rec) {
                Scope inner = Scope.of(scope, new ArrayList<>(attrs.keySet()));
                bindIn(scope, inner, inner);
            } else {
                Scope inh = new Scope(scope, Map.of(), false);
                bindIn(scope, scope, inh);
            }
        }

        Scope bindRec(Scope scope) {
            positions = new HashMap<>();
            attrs.forEach((k, d) -> positions.put(k, d.pos));
            Scope inner = Scope.of(scope, new ArrayList<>(attrs.keySet()));
            bindIn(scope, inner, inner);
            return inner;
        }

        private void bindIn(Scope outer, Scope inner, Scope inh) {
            for (AttrDef d : attrs.values()) {
                switch (d.kind) {
                    case PLAIN -> d.e.bind(inner);
                    case INHERITED -> d.e.bind(outer);
                    case INHERITED_FROM -> d.e.bind(inh);
                }
            }
            for (Expr e : inheritFrom) {
                e.bind(inner);
            }
            for (DynAttr d : dyn) {
                d.name.bind(inner);
                d.value.bind(inner);
            }
        }

        /** The environment of a recursive set or let: every attribute's thunk in a slot. */
        Env recEnv(Env env) {
            int n = attrs.size();
            Object[] vals = new Object[n + inheritFrom.size()];
            Env r = new Env(env, vals);
            for (int k = 0; k < inheritFrom.size(); k++) {
                vals[n + k] = inheritFrom.get(k).lazy(r);
            }
            int i = 0;
            for (AttrDef d : attrs.values()) {
                vals[i++] = d.e.lazy(d.kind == Kind.INHERITED ? env : r);
            }
            return r;
        }

        @Override
        Object eval(Env env) {
            TreeMap<String, Object> m = new TreeMap<>();
            Env scope;
            if (rec) {
                scope = recEnv(env);
                int i = 0;
                for (String k : attrs.keySet()) {
                    m.put(k, scope.vals[i++]);
                }
            } else {
                scope = env;
                Env inh = null;
                if (!inheritFrom.isEmpty()) {
                    Object[] vals = new Object[attrs.size() + inheritFrom.size()];
                    inh = new Env(env, vals);
                    for (int k = 0; k < inheritFrom.size(); k++) {
                        vals[attrs.size() + k] = inheritFrom.get(k).lazy(env);
                    }
                }
                for (Map.Entry<String, AttrDef> e : attrs.entrySet()) {
                    AttrDef d = e.getValue();
                    m.put(e.getKey(), d.e.lazy(d.kind == Kind.INHERITED_FROM ? inh : env));
                }
            }
            Map<String, Pos> pos = positions;
            if (!dyn.isEmpty()) {
                pos = new HashMap<>(positions);
                for (DynAttr d : dyn) {
                    Object name = d.name.eval(scope);
                    if (name == NixNull.NULL) {
                        continue;
                    }
                    String n = Ops.string(name, d.name.pos);
                    if (m.containsKey(n)) {
                        throw new NixException("dynamic attribute '" + n + "' already defined at " + pos.get(n),
                                d.pos);
                    }
                    m.put(n, d.value.lazy(scope));
                    pos.put(n, d.pos);
                }
            }
            if (rec && m.containsKey("__overrides")) {
                NixAttrs overrides = Ops.attrs(m.get("__overrides"), this.pos);
                int i = 0;
                List<String> names = new ArrayList<>(attrs.keySet());
                for (Map.Entry<String, Object> o : overrides.map().entrySet()) {
                    int slot = names.indexOf(o.getKey());
                    if (slot >= 0) {
                        scope.vals[slot] = o.getValue();
                    }
                    m.put(o.getKey(), o.getValue());
                    i++;
                }
            }
            return new NixAttrs(m, pos);
        }
    }

    /** {@code let ... in body}. */
    static final class Let extends Expr {
        final Attrs binds;
        final Expr body;

        Let(Pos pos, Attrs binds, Expr body) {
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
