package io.hostspec.generation;

import io.hostspec.realize.Recipe;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Small recipes for the generation tests. */
final class SwitchScriptTestSupport {

    private SwitchScriptTestSupport() {
    }

    /** A recipe with only a ruleset and sysctls. */
    static Recipe recipe(String nftables, Map<String, String> sysctls) {
        return new Recipe("h", new TreeSet<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
                nftables, new TreeMap<>(sysctls), new TreeSet<>(), new TreeSet<>(),
                new Recipe.Hardware(512, 1, new TreeSet<>(Set.of(1))), new TreeMap<>(), new TreeMap<>());
    }
}
