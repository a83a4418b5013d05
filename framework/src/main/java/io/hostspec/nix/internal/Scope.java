package io.hostspec.nix.internal;

import io.hostspec.nix.NixException;
import io.hostspec.nix.Pos;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The static counterpart of {@link Env}: which names a level binds, for resolving variables before evaluation. */
final class Scope {

    final Scope up;
    final Map<String, Integer> vars;
    final boolean isWith;

    Scope(Scope up, Map<String, Integer> vars, boolean isWith) {
        this.up = up;
        this.vars = vars;
        this.isWith = isWith;
    }

    static Scope of(Scope up, List<String> names) {
        Map<String, Integer> m = new HashMap<>(names.size() * 2);
        for (int k = 0; k < names.size(); k++) {
            m.put(names.get(k), k);
        }
        return new Scope(up, m, false);
    }

    /**
     * Resolves a variable.
     *
     * @return {level, slot} for a lexical variable; {level, -1} for the innermost {@code with} when no lexical
     *         binding exists
     * @throws NixException "undefined variable" when neither exists
     */
    int[] resolve(String name, Pos pos) {
        int level = 0;
        int withLevel = -1;
        for (Scope s = this; s != null; s = s.up, level++) {
            if (s.isWith) {
                if (withLevel < 0) {
                    withLevel = level;
                }
                continue;
            }
            Integer slot = s.vars.get(name);
            if (slot != null) {
                return new int[]{level, slot};
            }
        }
        if (withLevel >= 0) {
            return new int[]{withLevel, -1};
        }
        throw new NixException("undefined variable '" + name + "'", pos);
    }

    /** Levels from this scope up to the nearest {@code with} scope (0 when this is one), -1 when there is none. */
    int distanceToWith() {
        int level = 0;
        for (Scope s = this; s != null; s = s.up, level++) {
            if (s.isWith) {
                return level;
            }
        }
        return -1;
    }
}
