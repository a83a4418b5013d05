package io.hostspec.nix;

/** A Nix function value: a lambda, a built-in, or a built-in applied to some of its arguments. */
public abstract class NixFunction {

    /**
     * Applies the function to one argument.
     *
     * @param arg     the argument (may be a thunk)
     * @param callPos where the call is written, for errors
     */
    public abstract Object apply(Object arg, Pos callPos);

    /** How Nix prints it: {@code <LAMBDA>}, {@code <PRIMOP>} or {@code <PRIMOP-APP>}. */
    public abstract String printed();
}
