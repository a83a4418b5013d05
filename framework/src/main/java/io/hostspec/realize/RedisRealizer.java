package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * {@code services.redis.servers.<name>} with the NixOS conventions: unit {@code redis-<name>.service} running as the
 * system user and group {@code redis-<name>}, configuration /etc/redis/redis-<name>.conf, RuntimeDirectory and
 * StateDirectory {@code redis-<name>}. As in NixOS, the configuration is copied into the state directory before start
 * (Debian keeps /etc/redis closed to other users, and redis may rewrite its configuration). Debian's own redis-server.service is replaced by a no-op so that it neither
 * runs nor takes port 6379.
 */
final class RedisRealizer implements Realizer {

    /** The content that neutralizes Debian's stock unit (a symlink to /dev/null cannot be a recipe file). */
    static final String MASKED = "[Unit]\nDescription=masked by hostspec\n[Service]\nExecStart=/bin/true\n";

    @Override
    public List<OptionDecl> options() {
        String s = "services.redis.servers.<name>.";
        return new Declarations("services.redis")
                .add(s + "enable", Types.bool(), false, "Whether to run this Redis server.")
                .add(s + "port", Types.port(), 6379L, "TCP port; 0 disables TCP.")
                .add(s + "bind", Types.nullOr(Types.str()), "127.0.0.1",
                        "Addresses to listen on (space separated); null listens on all.")
                .add(s + "unixSocket", Types.nullOr(Types.path()), null,
                        "Unix socket path, e.g. /run/redis-<name>/redis.sock; null: no socket.")
                .add(s + "unixSocketPerm", Types.integer(), 660L, "Permissions of the unix socket (octal digits).")
                .add(s + "databases", Types.integer(), 16L, "Number of databases.")
                .add(s + "openFirewall", Types.bool(), false, "Whether to open the TCP port in the firewall.")
                .add(s + "settings", Types.attrsOf(Types.anything()), Map.of(),
                        "Extra redis.conf settings; they override the generated ones. Lists repeat the key, "
                                + "booleans are yes/no.")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        List<String> enabled = new java.util.ArrayList<>();
        for (String name : config.names("services.redis.servers")) {
            Config.Scope r = config.scope("services.redis.servers", name);
            if (!r.bool("enable")) {
                continue;
            }
            enabled.add(r.name("enable"));
            String id = "redis-" + name;
            String enable = r.name("enable");
            recipe.pkg("redis-server", enable);
            recipe.group(id, null, true, enable);
            recipe.user(new Recipe.UserEntry(id, null, id, new TreeSet<>(), "/var/empty", "/usr/sbin/nologin", true,
                    List.of()), enable);
            recipe.stateDir("/var/lib/" + id, enable);
            recipe.file("/etc/redis/" + id + ".conf", config(r, id), enable, r.name("port"), r.name("bind"),
                    r.name("unixSocket"), r.name("unixSocketPerm"), r.name("databases"), r.name("settings"));
            recipe.unit(id + ".service", unit(id), List.of("multi-user.target"), false, enable);
            long port = r.integer("port");
            if (r.bool("openFirewall") && port != 0) {
                recipe.port("tcp", port, r.name("port"), r.name("openFirewall"));
            }
        }
        if (!enabled.isEmpty()) {
            recipe.unit("redis-server.service", MASKED, List.of(), false, enabled.toArray(String[]::new));
        }
    }

    static String config(Config.Scope r, String id) {
        Map<String, Object> s = new TreeMap<>();
        s.put("port", r.integer("port"));
        s.put("daemonize", false);
        s.put("supervised", "systemd");
        s.put("loglevel", "notice");
        s.put("logfile", "\"\""); // stdout, so the journal has the log
        s.put("databases", r.integer("databases"));
        s.put("maxclients", 10000L);
        s.put("save", List.of("900 1", "300 10", "60 10000"));
        s.put("dir", "/var/lib/" + id);
        s.put("appendonly", false);
        if (r.str("bind") != null) {
            s.put("bind", r.str("bind"));
        }
        if (r.str("unixSocket") != null) {
            s.put("unixsocket", r.str("unixSocket"));
            s.put("unixsocketperm", r.integer("unixSocketPerm"));
        }
        s.putAll(r.table("settings"));
        StringBuilder b = new StringBuilder();
        s.forEach((k, v) -> {
            for (Object item : v instanceof List<?> l ? l : List.of(v)) {
                b.append(k).append(' ').append(item instanceof Boolean bool ? (bool ? "yes" : "no") : item)
                        .append('\n');
            }
        });
        return b.toString();
    }

    static String unit(String id) {
        return """
                [Unit]
                Description=Redis Server - %1$s
                After=network.target

                [Service]
                Type=notify
                ExecStartPre=+/usr/bin/install -m 0600 -o %1$s -g %1$s /etc/redis/%1$s.conf /var/lib/%1$s/redis.conf
                ExecStart=/usr/bin/redis-server /var/lib/%1$s/redis.conf
                User=%1$s
                Group=%1$s
                RuntimeDirectory=%1$s
                RuntimeDirectoryMode=0750
                StateDirectory=%1$s
                StateDirectoryMode=0700
                UMask=0077
                Restart=on-failure

                [Install]
                WantedBy=multi-user.target
                """.formatted(id);
    }
}
