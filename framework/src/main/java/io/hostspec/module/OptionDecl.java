package io.hostspec.module;

import java.util.List;

/**
 * The declaration of an option: its path (a {@code <name>} segment declares an attribute set of submodules), type,
 * optional default (a definition at priority 1500) and description.
 *
 * @param path         the declared path, e.g. {@code services.redis.servers.<name>.port}
 * @param type         the option's type
 * @param hasDefault   whether a default exists (a {@code nullOr} option without one defaults to null)
 * @param defaultValue the default, may contain {@code ${..}} references; meaningful only with hasDefault
 * @param description  what the option does, for the option reference
 * @param declaredAt   where it was declared
 */
public record OptionDecl(String path, Type type, boolean hasDefault, Object defaultValue, String description,
                         Provenance declaredAt) {

    /** A declaration without a default. */
    public static OptionDecl of(String path, Type type, String description, Provenance declaredAt) {
        return new OptionDecl(path, type, false, null, description, declaredAt);
    }

    /** A declaration with a default. */
    public static OptionDecl of(String path, Type type, Object defaultValue, String description,
                                Provenance declaredAt) {
        return new OptionDecl(path, type, true, defaultValue, description, declaredAt);
    }

    /** The declared path as segments. */
    public List<String> segments() {
        return OptionPath.parse(path);
    }
}
