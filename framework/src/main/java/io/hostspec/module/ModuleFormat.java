package io.hostspec.module;

import java.nio.file.Path;
import java.util.List;

/**
 * A module file format besides TOML (found with {@link java.util.ServiceLoader}): the .nix front end. A format turns a
 * file into a {@link Module}; definitions it cannot compute yet may be {@link java.util.function.Supplier}s and
 * conditions {@link java.util.function.BooleanSupplier}s, computed during evaluation (they may read other options).
 */
public interface ModuleFormat {

    /** The file name suffix the format reads, e.g. {@code .nix}. */
    String suffix();

    /**
     * Reads a module file.
     *
     * @param name        the module's name, e.g. {@code xo/xoa}
     * @param displayFile the file as shown in messages (relative to the project root)
     * @param file        the file
     * @throws ConfigException with file:line when it cannot be read
     */
    Module read(String name, String displayFile, Path file);

    /**
     * Called once, before any module is read, with the host features the modules see (the {@code hostFeatures}
     * specialArg of NixOS configurations).
     */
    default void hostFeatures(java.util.List<String> features) {
    }

    /**
     * Reads a module written inside another file, e.g. a Gherkin docstring with this format's content type.
     *
     * @param name        the module's name
     * @param displayFile the file it is written in, as shown in messages
     * @param text        the module's text
     * @param lineOffset  the line of that file just above the text's first line
     * @param file        that file (relative imports in the text resolve against its folder)
     * @throws ConfigException with file:line when it cannot be read
     */
    default Module readText(String name, String displayFile, String text, int lineOffset, Path file) {
        Provenance at = new Provenance(displayFile, lineOffset + 1);
        throw new ConfigException(new ConfigError(ConfigError.Kind.SYNTAX, at + ": modules of type " + suffix()
                + " cannot be written inline", List.of(at)));
    }

    /** Called when an evaluation of modules this format read starts, before any value is computed. */
    default void evaluating(Config config) {
    }
}
