package io.hostspec.nix;

import java.util.ArrayList;
import java.util.List;

/**
 * An error of Nix evaluation or parsing: what went wrong, where (file:line:col), and the chain of calls and
 * attribute evaluations that led there, innermost first. {@link #getMessage()} renders all of it.
 */
public class NixException extends RuntimeException {

    /** How many trace frames are kept; deeper chains (recursion) are summarized by a count. */
    private static final int MAX_FRAMES = 24;

    private final String reason;
    private final Pos pos;
    private final List<Frame> trace = new ArrayList<>();
    private int dropped;

    /**
     * One step of the chain that led to an error.
     *
     * @param what e.g. "while calling 'f'"
     * @param pos  where
     */
    public record Frame(String what, Pos pos) {
    }

    /** An error with a reason and a position (may be {@link Pos#NONE}). */
    public NixException(String reason, Pos pos) {
        super(reason, null, false, false);
        this.reason = reason;
        this.pos = pos == null ? Pos.NONE : pos;
    }

    /** The reason without position and trace, e.g. "undefined variable 'x'". */
    public String reason() {
        return reason;
    }

    /** Where the error happened. */
    public Pos pos() {
        return pos;
    }

    /** The frames that led here, innermost first. */
    public List<Frame> trace() {
        return List.copyOf(trace);
    }

    /** Adds an outer frame and returns this exception, for rethrowing. */
    public NixException addFrame(String what, Pos at) {
        if (trace.size() < MAX_FRAMES) {
            if (trace.isEmpty() || !trace.get(trace.size() - 1).equals(new Frame(what, at))) {
                trace.add(new Frame(what, at));
            }
        } else {
            dropped++;
        }
        return this;
    }

    /** Whether this error came from {@code throw} or {@code assert} (catchable by {@code builtins.tryEval}). */
    public boolean isCatchable() {
        return false;
    }

    @Override
    public String getMessage() {
        StringBuilder b = new StringBuilder(reason);
        if (pos.line() > 0) {
            b.append("\n       at ").append(pos);
        }
        for (Frame f : trace) {
            b.append("\n       … ").append(f.what());
            if (f.pos().line() > 0) {
                b.append("\n         at ").append(f.pos());
            }
        }
        if (dropped > 0) {
            b.append("\n       … (").append(dropped).append(" more frames)");
        }
        return b.toString();
    }

    /** An error raised by {@code throw} or a failed {@code assert}: {@code builtins.tryEval} catches it. */
    public static final class Catchable extends NixException {
        /** A catchable error. */
        public Catchable(String reason, Pos pos) {
            super(reason, pos);
        }

        @Override
        public boolean isCatchable() {
            return true;
        }
    }
}
