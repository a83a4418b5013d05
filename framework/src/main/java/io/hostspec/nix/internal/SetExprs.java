package io.hostspec.nix.internal;

import io.hostspec.nix.NixAttrs;
import io.hostspec.nix.NixException;
import io.hostspec.nix.NixNull;
import io.hostspec.nix.Pos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The syntax tree nodes of set literals: {@code { ... }}, {@code rec { ... }} and the bindings of {@code let}, with
 * their static, inherited and dynamic attributes.
 */
final class SetExprs {

    private SetExprs() {
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
}
