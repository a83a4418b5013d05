package io.hostspec.nix.internal;

/**
 * A runtime scope: the values of one lexical level (let, rec set, lambda argument) or, for {@code with}, the set it
 * opens in slot 0. Variables are resolved statically to (level, slot) by {@link Scope}.
 */
final class Env {

    final Env up;
    final Object[] vals;
    final Exprs.With with;

    Env(Env up, Object[] vals) {
        this(up, vals, null);
    }

    Env(Env up, Object[] vals, Exprs.With with) {
        this.up = up;
        this.vals = vals;
        this.with = with;
    }
}
