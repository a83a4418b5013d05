package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.util.List;
import java.util.TreeSet;

/**
 * {@code services.haproxy} as in NixOS: the whole configuration is the text of {@code config}, written to
 * /etc/haproxy.cfg, and unit {@code haproxy.service} (replacing Debian's) runs Debian's haproxy in master-worker mode
 * as {@code user}:{@code group}, with /run/haproxy as its runtime directory (for a stats socket). The configuration
 * is checked with {@code haproxy -c} before every start and reload; a change of the configuration reloads the
 * service (the unit names a hash of it, as NixOS' reload triggers do). The user and group {@code haproxy} are made
 * when they are the ones chosen, as NixOS does; any other user must be declared.
 */
final class HaproxyRealizer implements Realizer {

    private static final String P = "services.haproxy.";
    /** Where the configuration is written (NixOS' path). */
    static final String CONFIG_FILE = "/etc/haproxy.cfg";

    @Override
    public List<OptionDecl> options() {
        return new Declarations("services.haproxy")
                .add(P + "enable", Types.bool(), false, "Whether to run HAProxy.")
                .add(P + "config", Types.nullOr(Types.lines()), null,
                        "The contents of the HAProxy configuration file, " + CONFIG_FILE + ".")
                .add(P + "user", Types.str(), "haproxy", "The user HAProxy runs as.")
                .add(P + "group", Types.str(), "haproxy", "The group HAProxy runs as.")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        String enable = P + "enable";
        if (!config.bool(enable)) {
            return;
        }
        String text = config.str(P + "config");
        if (text == null || text.isBlank()) {
            throw recipe.error("You must provide services.haproxy.config: the whole haproxy.cfg.", enable,
                    P + "config");
        }
        String user = config.str(P + "user");
        String group = config.str(P + "group");
        recipe.pkg("haproxy", enable);
        String content = text.endsWith("\n") ? text : text + "\n";
        recipe.file(CONFIG_FILE, content, enable, P + "config");
        if (group.equals("haproxy")) {
            recipe.group("haproxy", null, true, enable, P + "group");
        }
        if (user.equals("haproxy")) {
            // Debian's package makes this account with this home; declaring the same keeps it as it is
            recipe.user(new Recipe.UserEntry("haproxy", null, group, new TreeSet<>(), "/var/lib/haproxy",
                    "/usr/sbin/nologin", true, List.of()), enable, P + "user", P + "group");
        }
        recipe.unit("haproxy.service", unit(user, group, ReloadTriggers.of(content)), List.of("multi-user.target"),
                true, enable, P + "config", P + "user", P + "group");
    }

    static String unit(String user, String group, String configHash) {
        return """
                [Unit]
                Description=HAProxy
                After=network.target
                X-Reload-Triggers=%3$s

                [Service]
                Type=notify
                User=%1$s
                Group=%2$s
                ExecStartPre=/usr/sbin/haproxy -c -q -f %4$s
                ExecStart=/usr/sbin/haproxy -Ws -f %4$s -p /run/haproxy/haproxy.pid
                ExecReload=/usr/sbin/haproxy -c -q -f %4$s
                ExecReload=/bin/kill -USR2 $MAINPID
                KillMode=mixed
                SuccessExitStatus=143
                Restart=always
                RuntimeDirectory=haproxy
                AmbientCapabilities=CAP_NET_BIND_SERVICE
                CapabilityBoundingSet=CAP_NET_BIND_SERVICE

                [Install]
                WantedBy=multi-user.target
                """.formatted(user, group, configHash, CONFIG_FILE);
    }
}
