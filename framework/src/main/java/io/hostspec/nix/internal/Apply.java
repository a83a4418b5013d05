package io.hostspec.nix.internal;

import io.hostspec.nix.Pos;
import io.hostspec.nix.Thunk;

/** A lazy application {@code f x}, for built-ins whose results stay lazy (map, genList, mapAttrs). */
final class Apply extends Thunk {

    private Object f;
    private Object x;
    private final Pos pos;

    Apply(Object f, Object x, Pos pos) {
        this.f = f;
        this.x = x;
        this.pos = pos;
    }

    @Override
    protected Object compute() {
        return Ops.force(Ops.apply(f, x, pos));
    }

    @Override
    protected Pos pos() {
        return pos;
    }

    @Override
    protected void release() {
        f = null;
        x = null;
    }
}
