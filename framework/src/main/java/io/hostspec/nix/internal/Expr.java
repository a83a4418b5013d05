package io.hostspec.nix.internal;

import io.hostspec.nix.Pos;
import io.hostspec.nix.Thunk;

/** A node of the syntax tree. Variables are resolved by {@link #bind} before any evaluation. */
abstract class Expr {

    final Pos pos;

    Expr(Pos pos) {
        this.pos = pos;
    }

    /** The value, forced at the top level (never a thunk). */
    abstract Object eval(Env env);

    /** Resolves variables against the static scope. */
    abstract void bind(Scope scope);

    /** The value, or a thunk computing it when it is needed. */
    Object lazy(Env env) {
        return new Deferred(this, env);
    }

    /** A thunk of an expression in an environment. */
    static final class Deferred extends Thunk {
        private final Expr expr;
        private Env env;

        Deferred(Expr expr, Env env) {
            this.expr = expr;
            this.env = env;
        }

        @Override
        protected Object compute() {
            return expr.eval(env);
        }

        @Override
        protected Pos pos() {
            return expr.pos;
        }

        @Override
        protected void release() {
            env = null;
        }
    }
}
