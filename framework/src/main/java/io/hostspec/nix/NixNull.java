package io.hostspec.nix;

/** Nix's {@code null}. */
public enum NixNull {
    /** The only null. */
    NULL;

    @Override
    public String toString() {
        return "null";
    }
}
