package io.hostspec.nix.internal;

import java.util.ArrayDeque;
import java.util.Deque;

/** Path arithmetic on Nix path strings: always absolute, without ., .., // or a trailing slash. */
final class Paths {

    private Paths() {
    }

    /** The canonical form of an absolute path. */
    static String canon(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String seg : path.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(seg);
            }
        }
        return parts.isEmpty() ? "/" : "/" + String.join("/", parts);
    }

    /** The folder of a path ({@code dirOf}). */
    static String dir(String path) {
        int slash = path.lastIndexOf('/');
        if (slash < 0) {
            return ".";
        }
        return slash == 0 ? "/" : path.substring(0, slash);
    }

    /** The last component ({@code baseNameOf}), ignoring one trailing slash. */
    static String base(String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        int slash = p.lastIndexOf('/');
        return slash < 0 ? p : p.substring(slash + 1);
    }
}
