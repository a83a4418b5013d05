package io.hostspec.module;

import java.util.List;

/**
 * A loaded module: a TOML file under vm-images/modules, a host file, or a Gherkin docstring. Definitions are kept as
 * written (positioned values) until evaluation resolves them against every declaration of the host.
 *
 * @param name         the module name ({@code xo/xoa}) or, for files outside the module path, the file
 * @param file         the file shown in messages
 * @param description  the module's description, may be empty
 * @param imports      the modules it imports
 * @param declarations the options it declares
 * @param blocks       its definition blocks: the top level, then each {@code [[config]]} in order
 * @param hostFeatures the host features it gives its host ({@code hostFeatures = [...]}); only a host's own root
 *                     modules may give features, since imports depend on them
 */
public record Module(String name, String file, String description, List<Import> imports,
                     List<OptionDecl> declarations, List<Block> blocks, List<Feature> hostFeatures) {

    /** A module that gives no host features. */
    public Module(String name, String file, String description, List<Import> imports, List<OptionDecl> declarations,
                  List<Block> blocks) {
        this(name, file, description, imports, declarations, blocks, List.of());
    }

    /**
     * A host feature as written ({@code "development"} in {@code hostFeatures}): a name given to every module of the
     * host, as NixOS configurations pass {@code hostFeatures} in {@code specialArgs}.
     *
     * @param name  the feature's name
     * @param where where it was given
     */
    public record Feature(String name, Provenance where) {
    }

    /**
     * An import of another module.
     *
     * @param name    the imported module's name
     * @param where   the line of the import
     * @param feature the host feature the import depends on, or null for an unconditional import
     */
    public record Import(String name, Provenance where, String feature) {
        /** An unconditional import. */
        public Import(String name, Provenance where) {
            this(name, where, null);
        }
    }

    /**
     * A block of definitions sharing a priority, an order and conditions (one mkMerge branch).
     *
     * @param priority   the definitions' priority
     * @param order      list order
     * @param conditions mkIf conditions as written, with where they were written
     * @param entries    the definitions: a positioned table whose keys are option paths
     * @param features   host features the block needs, all of them ({@code feature = ...}); empty for none
     * @param forEach    null, or the named set this block is repeated for (one copy per name, see {@link ForEach})
     */
    public record Block(int priority, int order, List<WrittenCondition> conditions, PValue entries,
                        List<String> features, ForEach forEach) {
        /** A block written once that needs no host feature. */
        public Block(int priority, int order, List<WrittenCondition> conditions, PValue entries) {
            this(priority, order, conditions, entries, List.of(), null);
        }

        /** A block written once that needs these host features. */
        public Block(int priority, int order, List<WrittenCondition> conditions, PValue entries,
                     List<String> features) {
            this(priority, order, conditions, entries, features, null);
        }
    }

    /**
     * {@code for = "mySystem.services.<app>"}: the block is repeated for every name defined under the set
     * {@code mySystem.services}, with the placeholder {@code <app>} replaced by the name in its keys, its string
     * values and its conditions; each copy applies only while its name is defined (docs/modules.md).
     *
     * @param set         the path of the set of named entries, e.g. {@code [mySystem, services]}
     * @param placeholder the placeholder as written, e.g. {@code <app>}
     * @param where       where {@code for} was written
     */
    public record ForEach(List<String> set, String placeholder, Provenance where) {
    }

    /**
     * A condition as written, resolved during evaluation: a bool option, or (from a .nix module's
     * {@code mkIf expr}) a computed test that may read other options.
     *
     * @param option the option path as written; empty for a computed test
     * @param where  where it was written
     * @param test   the computed test, or null for an option condition
     */
    public record WrittenCondition(String option, Provenance where, java.util.function.BooleanSupplier test) {
        /** A condition naming a bool option. */
        public WrittenCondition(String option, Provenance where) {
            this(option, where, null);
        }
    }
}
