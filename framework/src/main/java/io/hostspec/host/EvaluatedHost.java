package io.hostspec.host;

import io.hostspec.module.Config;
import io.hostspec.realize.Recipe;

/**
 * A host whose modules were evaluated and realized: its configuration and its image recipe. Both are free of errors.
 *
 * @param spec   what the host was made of
 * @param config the evaluated configuration
 * @param recipe the realized image recipe
 */
public record EvaluatedHost(HostSpec spec, Config config, Recipe recipe) {
}
