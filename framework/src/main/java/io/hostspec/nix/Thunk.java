package io.hostspec.nix;

/**
 * A value not computed yet. Forcing computes it once and remembers it; forcing it again while it is being computed is
 * Nix's "infinite recursion encountered". A failed computation is not remembered, so it fails again when re-forced.
 */
public abstract class Thunk {

    private static final Object UNFORCED = new Object();
    private static final Object FORCING = new Object();

    private Object value = UNFORCED;

    /** Computes the value (may return another thunk, which is forced in turn). */
    protected abstract Object compute();

    /** Where the computation is written, for the infinite recursion error. */
    protected abstract Pos pos();

    /** Lets the computation's inputs be garbage collected once the value is known. */
    protected void release() {
    }

    /** The value, computed on first use. */
    public final Object force() {
        Object v = value;
        if (v != UNFORCED && v != FORCING) {
            return v;
        }
        if (v == FORCING) {
            throw new NixException("infinite recursion encountered", pos());
        }
        value = FORCING;
        try {
            Object r = compute();
            while (r instanceof Thunk t) {
                r = t.force();
            }
            value = r;
            release();
            return r;
        } catch (RuntimeException | Error e) {
            value = UNFORCED;
            throw e;
        }
    }

    /** Whether the value is already known. */
    public final boolean isForced() {
        return value != UNFORCED && value != FORCING;
    }

    /** A thunk that already holds a value. */
    public static Object forced(Object value) {
        return value;
    }

    /** Forces a value that may be a thunk. */
    public static Object force(Object v) {
        return v instanceof Thunk t ? t.force() : v;
    }
}
