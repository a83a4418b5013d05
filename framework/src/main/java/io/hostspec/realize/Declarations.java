package io.hostspec.realize;

import io.hostspec.module.OptionDecl;
import io.hostspec.module.Provenance;
import io.hostspec.module.Type;

import java.util.ArrayList;
import java.util.List;

/** Collects the option declarations of one built-in area, all with the provenance {@code <built-in area>}. */
final class Declarations {

    private final Provenance where;
    private final List<OptionDecl> decls = new ArrayList<>();

    Declarations(String area) {
        this.where = Provenance.builtIn(area);
    }

    /** An option with a default. */
    Declarations add(String path, Type type, Object defaultValue, String description) {
        decls.add(OptionDecl.of(path, type, defaultValue, description, where));
        return this;
    }

    /** An option without a default (a {@code nullOr} option defaults to null anyway). */
    Declarations required(String path, Type type, String description) {
        decls.add(OptionDecl.of(path, type, description, where));
        return this;
    }

    List<OptionDecl> list() {
        return List.copyOf(decls);
    }
}
