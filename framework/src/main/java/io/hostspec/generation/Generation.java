package io.hostspec.generation;

import io.hostspec.host.EvaluatedHost;

/**
 * One numbered, immutable configuration of a host, as NixOS keeps them: generation 1 is what the host booted with,
 * every switch to a different configuration adds the next number. A generation is realized on the host side (its
 * recipe, whose {@link io.hostspec.realize.Recipe#imageHash()} names it like an image) and never changes.
 *
 * @param number  1, 2, ...
 * @param host    the evaluated configuration and recipe
 */
public record Generation(int number, EvaluatedHost host) {

    /** The image hash of the generation's recipe: two generations with the same hash realize the same system. */
    public String imageHash() {
        return host.recipe().imageHash();
    }
}
