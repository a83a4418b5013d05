package io.hostspec.module;

import java.util.List;

/**
 * One definition of a concrete option, after its module path was resolved against the declarations.
 *
 * @param option     the concrete option path (submodule names filled in)
 * @param value      the value as written (may contain {@code ${..}} references)
 * @param where      the file:line of the definition
 * @param module     the name of the module that made it
 * @param priority   1500 option default, 1000 default, 100 plain, 50 force, or a number; lowest wins
 * @param order      list order: 500 before, 1000 default, 1500 after
 * @param conditions bool options that must all be true for the definition to count (mkIf)
 * @param keyed      true when the definition names a key inside an {@code attrsOf} option: its priority then applies
 *                   to that key only, as {@code opt.key = mkOverride p v} does in Nix
 */
public record Definition(List<String> option, Object value, Provenance where, String module, int priority,
                         int order, List<Condition> conditions, boolean keyed) {

    /** Priority of an option's default. */
    public static final int OPTION_DEFAULT = 1500;
    /** Priority of mkDefault ({@code priority = "default"}). */
    public static final int DEFAULT = 1000;
    /** Priority of a plain definition. */
    public static final int PLAIN = 100;
    /** Priority of mkForce ({@code priority = "force"}). */
    public static final int FORCE = 50;

    /**
     * An mkIf condition.
     *
     * @param option the bool option that must be true (empty for a computed test)
     * @param where  where the condition was written
     * @param test   a computed test (a .nix module's {@code mkIf expr}), or null
     */
    public record Condition(List<String> option, Provenance where, java.util.function.BooleanSupplier test) {
        /** A condition naming a bool option. */
        public Condition(List<String> option, Provenance where) {
            this(option, where, null);
        }
    }

    /** The concrete option path as written, e.g. {@code services.redis.servers.xo.enable}. */
    public String optionName() {
        return OptionPath.format(option);
    }
}
