package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;

import java.util.List;

/** Placeholder until the realizers land: no built-in options, nothing realized. */
public final class Realization {
    private Realization() {
    }

    /** The built-in namespace. */
    public static List<OptionDecl> builtIns() {
        return List.of();
    }

    /** Realizes a configuration. */
    public static Recipe realize(Config config) {
        throw new UnsupportedOperationException("realizers not merged yet");
    }
}
