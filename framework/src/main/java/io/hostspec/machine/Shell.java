package io.hostspec.machine;

/** Shell quoting for commands built from values. */
final class Shell {

    private Shell() {
    }

    /** @return the value as one single-quoted POSIX shell word */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
