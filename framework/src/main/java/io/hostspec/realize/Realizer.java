package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;

import java.util.List;

/**
 * Turns one area of an evaluated configuration (networking, users, a service...) into recipe artifacts, the way a
 * nixpkgs module turns its options into files and units. A realizer declares the options it reads; they belong to the
 * built-in namespace that every host can use without imports.
 *
 * <p>Contract: {@link #realize} is a pure function of the configuration and of what earlier realizers put into the
 * builder; every artifact it adds names the option paths that produced it. Configurations that evaluate but cannot be
 * realized are rejected with a {@link io.hostspec.module.ConfigException} whose errors name the options and the
 * file:line of their definitions.
 */
@FunctionalInterface
public interface Realizer {

    /**
     * Adds this area's artifacts to the recipe.
     *
     * @param config the evaluated configuration, declaring at least {@link #options()}
     * @param recipe the recipe under construction
     * @throws io.hostspec.module.ConfigException when the configuration cannot be realized
     */
    void realize(Config config, RecipeBuilder recipe);

    /** The options this realizer declares and reads; none by default. */
    default List<OptionDecl> options() {
        return List.of();
    }
}
