package io.hostspec.machine;

/** Shell quoting for commands built from values. */
public final class Shell {

    private Shell() {
    }

    /** @return the value as one single-quoted POSIX shell word */
    public static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
