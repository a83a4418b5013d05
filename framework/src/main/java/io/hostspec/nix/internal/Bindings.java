package io.hostspec.nix.internal;

import io.hostspec.nix.NixException;
import io.hostspec.nix.Pos;

import java.util.List;

/** Adds parsed bindings to a set literal: nested attribute paths, merging of set literals, duplicate detection. */
final class Bindings {

    private Bindings() {
    }

    /** The error for a second definition of {@code name} at {@code pos}, first defined at {@code old}. */
    static NixException already(String name, Pos pos, Pos old) {
        return new NixException("attribute '" + name + "' already defined at " + old, pos);
    }

    /**
     * Defines {@code path = value} in {@code target}, making the nested sets of a multi-part path and merging two set
     * literals defined at the same path ({@code a.b = 1; a = { c = 2; };}), as Nix does.
     *
     * @throws NixException when an attribute is already defined
     */
    static void add(SetExprs.Attrs target, List<Exprs.AttrName> path, Expr value, Pos pos) {
        SetExprs.Attrs cur = target;
        StringBuilder shown = new StringBuilder();
        for (int k = 0; k < path.size() - 1; k++) {
            Exprs.AttrName n = path.get(k);
            shown.append(k > 0 ? "." : "").append(n);
            if (n.name() != null) {
                SetExprs.AttrDef d = cur.attrs.get(n.name());
                if (d != null) {
                    if (d.kind == SetExprs.Kind.PLAIN && d.e instanceof SetExprs.Attrs a) {
                        cur = a;
                    } else {
                        throw already(shown.toString(), pos, d.pos);
                    }
                } else {
                    SetExprs.Attrs a = new SetExprs.Attrs(pos, false);
                    cur.attrs.put(n.name(), new SetExprs.AttrDef(a, pos, SetExprs.Kind.PLAIN));
                    cur = a;
                }
            } else {
                SetExprs.Attrs a = new SetExprs.Attrs(pos, false);
                cur.dyn.add(new SetExprs.DynAttr(n.dyn(), a, pos));
                cur = a;
            }
        }
        Exprs.AttrName last = path.get(path.size() - 1);
        shown.append(path.size() > 1 ? "." : "").append(last);
        if (last.name() == null) {
            cur.dyn.add(new SetExprs.DynAttr(last.dyn(), value, pos));
            return;
        }
        if (value instanceof Exprs.Fn fn && fn.name == null) {
            fn.name = last.name();
        }
        SetExprs.AttrDef old = cur.attrs.get(last.name());
        if (old != null) {
            if (old.kind == SetExprs.Kind.PLAIN && old.e instanceof SetExprs.Attrs into
                    && value instanceof SetExprs.Attrs from) {
                int shift = into.inheritFrom.size();
                into.inheritFrom.addAll(from.inheritFrom);
                for (var e : from.attrs.entrySet()) {
                    if (e.getValue().kind == SetExprs.Kind.INHERITED_FROM
                            && e.getValue().e instanceof Exprs.Select sel && sel.e instanceof SetExprs.InheritFrom f) {
                        f.owner = into;
                        f.index += shift;
                    }
                    SetExprs.AttrDef prior = into.attrs.get(e.getKey());
                    if (prior != null) {
                        throw already(shown + "." + e.getKey(), e.getValue().pos, prior.pos);
                    }
                    into.attrs.put(e.getKey(), e.getValue());
                }
                into.dyn.addAll(from.dyn);
                return;
            }
            throw already(shown.toString(), pos, old.pos);
        }
        cur.attrs.put(last.name(), new SetExprs.AttrDef(value, pos, SetExprs.Kind.PLAIN));
    }
}
