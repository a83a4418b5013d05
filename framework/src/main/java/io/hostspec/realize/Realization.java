package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;

import java.util.ArrayList;
import java.util.List;

/**
 * The built-in realizers, one per area of the standard option namespace (docs/options.md), and the one way to turn an evaluated configuration into a
 * {@link Recipe}. Their option declarations form the built-in namespace every host can use without imports (pass
 * {@link #builtIns()} to {@link io.hostspec.module.ModuleSystem#create}).
 *
 * <p>Realizers run in a fixed order: services first (they add users, packages and ports), then users, and the firewall
 * last so that it sees every port the services opened.
 */
public final class Realization {

    private static final List<Realizer> REALIZERS = List.of(
            new NetworkingRealizer(),
            new SystemRealizer(),
            new DisksRealizer(),
            new TpmRealizer(),
            new EnvironmentRealizer(),
            new SystemdRealizer(),
            new OpensshRealizer(),
            new RedisRealizer(),
            new NginxRealizer(),
            new HaproxyRealizer(),
            new PostgresqlRealizer(),
            new PrometheusRealizer(),
            new SopsRealizer(),
            new AcmeRealizer(),
            new PebbleRealizer(),
            new PkiRealizer(),
            new ImpermanenceRealizer(),
            new ResticRealizer(),
            new UsersRealizer(),
            new FirewallRealizer());

    private Realization() {
    }

    /** The built-in realizers in the order they run. */
    public static List<Realizer> realizers() {
        return REALIZERS;
    }

    /** Every built-in realizer's option declarations: the always-declared built-in namespace. */
    public static List<OptionDecl> builtIns() {
        List<OptionDecl> out = new ArrayList<>();
        REALIZERS.forEach(r -> out.addAll(r.options()));
        return List.copyOf(out);
    }

    /**
     * Runs every built-in realizer on a configuration evaluated with {@link #builtIns()}.
     *
     * @throws io.hostspec.module.ConfigException when the configuration cannot be realized; the errors name the
     *                                            options involved and the file:line of their definitions
     */
    public static Recipe realize(Config config) {
        RecipeBuilder recipe = RecipeBuilder.forConfig(config);
        for (Realizer r : REALIZERS) {
            r.realize(config, recipe);
        }
        return recipe.build();
    }
}
