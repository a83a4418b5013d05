package io.hostspec.host;

import io.hostspec.module.Provenance;

import java.util.ArrayList;
import java.util.List;

/**
 * WHAT a host is: its name and the modules it is composed from, in order. Immutable; every {@code withX} returns a new
 * spec. A spec evaluates to the same configuration every time.
 *
 * @param name     the host's name in the scenario
 * @param modules  the root modules, in order
 * @param features the host features given besides those its modules give ({@code hostFeatures}), in order
 */
public record HostSpec(String name, List<Source> modules, List<String> features) {

    /** A spec; the lists are copied. */
    public HostSpec {
        modules = List.copyOf(modules);
        features = List.copyOf(features);
    }

    /** A spec without features of its own. */
    public HostSpec(String name, List<Source> modules) {
        this(name, modules, List.of());
    }

    /** A host with only the built-in namespace. */
    public static HostSpec named(String name) {
        return new HostSpec(name, List.of());
    }

    /**
     * Adds host features (the NixOS {@code hostFeatures} specialArg): modules see them, and imports and blocks that
     * depend on a feature apply. A feature given twice counts once.
     *
     * @throws IllegalArgumentException for a name that is not a feature name (letters, digits, '-', '_', '.')
     */
    public HostSpec withFeatures(List<String> more) {
        java.util.LinkedHashSet<String> all = new java.util.LinkedHashSet<>(features);
        for (String f : more) {
            if (!f.matches("[A-Za-z][A-Za-z0-9_.-]*")) {
                throw new IllegalArgumentException("\"" + f + "\" is not a host feature name (letters, digits, "
                        + "'-', '_', '.'; features are separated by commas)");
            }
            all.add(f);
        }
        return new HostSpec(name, modules, List.copyOf(all));
    }

    /** Adds a module by name ({@code xo/xoa}, {@code hosts/xoa}) or .toml path, named at the given place. */
    public HostSpec withModule(String module, Provenance where) {
        return with(new Source.Named(module, where));
    }

    /** Adds a TOML module written inline (a Gherkin docstring): its first line is line {@code lineOffset + 1} of file. */
    public HostSpec withText(String text, String file, int lineOffset) {
        return with(new Source.Inline(text, file, lineOffset));
    }

    /**
     * Adds a module written inline in the format of a content type ({@code toml}, {@code nix}; null or blank is
     * TOML): its first line is line {@code lineOffset + 1} of file.
     */
    public HostSpec withText(String text, String file, int lineOffset, String contentType) {
        return with(new Source.Inline(text, file, lineOffset, contentType));
    }

    private HostSpec with(Source s) {
        List<Source> all = new ArrayList<>(modules);
        all.add(s);
        return new HostSpec(name, all, features);
    }

    /** Where a root module comes from. */
    public sealed interface Source {
        /**
         * A module found by name on the module path, or a .toml path.
         *
         * @param name  the module name or path
         * @param where where it was named
         */
        record Named(String name, Provenance where) implements Source {
        }

        /**
         * A module written inline.
         *
         * @param text        the module's text
         * @param file        the file it is written in
         * @param lineOffset  the line just above its first line
         * @param contentType its format, {@code toml} or {@code nix} (null: TOML)
         */
        record Inline(String text, String file, int lineOffset, String contentType) implements Source {
            /** A TOML module written inline. */
            public Inline(String text, String file, int lineOffset) {
                this(text, file, lineOffset, null);
            }
        }
    }
}
