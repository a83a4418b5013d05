package io.hostspec.realize;

import io.hostspec.module.Config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names nginx answers to must belong to one virtual host each: nginx itself only warns ("conflicting server
 * name ... ignored") and serves the first, so two apps on one domain would silently reach the same backend.
 */
final class ServerNames {

    private ServerNames() {
    }

    /**
     * Rejects two virtual hosts that answer to the same name.
     *
     * @throws io.hostspec.module.ConfigException naming both virtual hosts' serverName and serverAliases definitions
     */
    static void check(Config config, RecipeBuilder recipe) {
        Map<String, String> owner = new LinkedHashMap<>();
        String set = "services.nginx.virtualHosts";
        for (String name : config.names(set)) {
            Config.Scope vh = config.scope(set, name);
            List<String> names = new java.util.ArrayList<>();
            names.add(vh.str("serverName") != null ? vh.str("serverName") : name);
            names.addAll(vh.strings("serverAliases"));
            for (String n : names) {
                String other = owner.putIfAbsent(n, name);
                if (other != null && !other.equals(name)) {
                    Config.Scope o = config.scope(set, other);
                    throw recipe.error("The nginx virtual hosts `" + other + "' and `" + name + "' both answer to `"
                            + n + "'; nginx would serve only the first. Give each its own name (for homelab apps: "
                            + "its own subdomain).", o.name("serverName"), o.name("serverAliases"),
                            vh.name("serverName"), vh.name("serverAliases"));
                }
            }
        }
    }
}
