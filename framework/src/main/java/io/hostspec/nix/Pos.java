package io.hostspec.nix;

/**
 * A position in Nix source: the file as it is shown in messages, a 1-based line and a 1-based column.
 *
 * @param file the file (or {@code «string»} for an expression given on the command line)
 * @param line 1-based line
 * @param col  1-based column
 */
public record Pos(String file, int line, int col) {

    /** A position for things that have none (built-in values). */
    public static final Pos NONE = new Pos("«none»", 0, 0);

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line + ":" + col : file;
    }
}
