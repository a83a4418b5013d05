package io.hostspec.nix.internal;

import io.hostspec.nix.NixException;
import io.hostspec.nix.NixFunction;
import io.hostspec.nix.Pos;

import java.util.Arrays;

/** A built-in function of fixed arity; applying fewer arguments gives a {@link Partial}. */
final class PrimOp extends NixFunction {

    /** The implementation: receives exactly {@code arity} arguments, which may be thunks. */
    @FunctionalInterface
    interface Impl {
        Object call(Object[] args, Pos pos);
    }

    final String name;
    final int arity;
    final Impl impl;

    PrimOp(String name, int arity, Impl impl) {
        this.name = name;
        this.arity = arity;
        this.impl = impl;
    }

    @Override
    public Object apply(Object arg, Pos callPos) {
        if (arity == 1) {
            return run(new Object[]{arg}, callPos);
        }
        return new Partial(this, new Object[]{arg});
    }

    Object run(Object[] args, Pos pos) {
        try {
            return impl.call(args, pos);
        } catch (NixException e) {
            throw e.addFrame("while calling the '" + name + "' builtin", pos);
        }
    }

    @Override
    public String printed() {
        return "<PRIMOP>";
    }

    /** A built-in applied to some of its arguments. */
    static final class Partial extends NixFunction {
        final PrimOp op;
        final Object[] args;

        Partial(PrimOp op, Object[] args) {
            this.op = op;
            this.args = args;
        }

        @Override
        public Object apply(Object arg, Pos callPos) {
            Object[] more = Arrays.copyOf(args, args.length + 1);
            more[args.length] = arg;
            return more.length == op.arity ? op.run(more, callPos) : new Partial(op, more);
        }

        @Override
        public String printed() {
            return "<PRIMOP-APP>";
        }
    }
}
