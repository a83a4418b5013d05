package io.hostspec.module;

/**
 * Where a module declared or defined something: a file (relative to the project root where possible) and a 1-based
 * line. Built-in declarations use the realizer's name as file and line 0.
 *
 * @param file the file, e.g. {@code vm-images/hosts/xoa.toml}
 * @param line 1-based line number, or 0 when there is no line
 */
public record Provenance(String file, int line) {

    /** A provenance for something built into hostspec itself. */
    public static Provenance builtIn(String what) {
        return new Provenance("<built-in " + what + ">", 0);
    }

    @Override
    public String toString() {
        return line > 0 ? file + ":" + line : file;
    }
}
