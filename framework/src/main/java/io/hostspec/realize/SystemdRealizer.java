package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.util.List;
import java.util.Map;

/**
 * {@code systemd.services.<name>}: unit {@code <name>.service} in /etc/systemd/system; a {@code script} becomes
 * ExecStart through /etc/hostspec/scripts/<name>.sh; {@code wantedBy = ["multi-user.target"]} enables it.
 * Directories named by {@code serviceConfig.StateDirectory} are state (under /var/lib).
 * {@code systemd.timers.<name>}: unit {@code <name>.timer} (NixOS' names: {@code timerConfig}, {@code wantedBy =
 * ["timers.target"]}); it activates {@code <name>.service} unless {@code timerConfig.Unit} names another unit.
 */
final class SystemdRealizer implements Realizer {

    static final String SCRIPTS = "/etc/hostspec/scripts/";

    @Override
    public List<OptionDecl> options() {
        String s = "systemd.services.<name>.";
        String t = "systemd.timers.<name>.";
        return new Declarations("systemd")
                .add(s + "enable", Types.bool(), true, "Whether the unit is installed at all.")
                .add(s + "description", Types.str(), "", "Description= of the unit.")
                .add(s + "wantedBy", Types.listOf(Types.str()), List.of(),
                        "Units that want this one; \"multi-user.target\" starts it at boot.")
                .add(s + "after", Types.listOf(Types.str()), List.of(), "After= dependencies.")
                .add(s + "before", Types.listOf(Types.str()), List.of(), "Before= dependencies.")
                .add(s + "requires", Types.listOf(Types.str()), List.of(), "Requires= dependencies.")
                .add(s + "wants", Types.listOf(Types.str()), List.of(), "Wants= dependencies.")
                .add(s + "script", Types.lines(), "", "Shell commands run as the service's ExecStart (sh -e).")
                .add(s + "serviceConfig", Types.attrsOf(Types.anything()), Map.of(),
                        "Keys of the [Service] section; a list becomes a repeated key.")
                .add(s + "environment", Types.attrsOf(Types.str()), Map.of(), "Environment variables of the service.")
                .add(s + "reloadIfChanged", Types.bool(), false,
                        "Whether a configuration change reloads the unit instead of restarting it.")
                .add(t + "enable", Types.bool(), true, "Whether the timer unit is installed at all.")
                .add(t + "description", Types.str(), "", "Description= of the timer unit.")
                .add(t + "wantedBy", Types.listOf(Types.str()), List.of(),
                        "Units that want this timer; \"timers.target\" starts it at boot.")
                .add(t + "timerConfig", Types.attrsOf(Types.anything()), Map.of(),
                        "Keys of the [Timer] section (OnCalendar, OnBootSec, Persistent, RandomizedDelaySec, Unit, ...); "
                                + "a list becomes a repeated key.")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        for (String name : config.names("systemd.services")) {
            Config.Scope u = config.scope("systemd.services", name);
            if (!u.bool("enable")) {
                continue;
            }
            String[] from = {u.name("enable"), u.name("description"), u.name("wantedBy"), u.name("after"),
                    u.name("before"), u.name("requires"), u.name("wants"), u.name("script"), u.name("serviceConfig"),
                    u.name("environment"), u.name("reloadIfChanged")};
            StringBuilder b = new StringBuilder("[Unit]\n");
            if (!u.str("description").isEmpty()) {
                b.append("Description=").append(u.str("description")).append('\n');
            }
            deps(b, "After", u.strings("after"));
            deps(b, "Before", u.strings("before"));
            deps(b, "Requires", u.strings("requires"));
            deps(b, "Wants", u.strings("wants"));
            b.append("\n[Service]\n");
            u.table("environment").forEach((k, v) -> b.append("Environment=\"").append(k).append('=')
                    .append(String.valueOf(v).replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n"));
            Map<String, Object> sc = u.table("serviceConfig");
            String script = u.str("script");
            if (!script.isBlank()) {
                if (sc.containsKey("ExecStart")) {
                    throw recipe.error("The service `" + name + "' has both a script and serviceConfig.ExecStart; "
                            + "keep one of them.", u.name("script"), u.name("serviceConfig"));
                }
                String path = SCRIPTS + name + ".sh";
                recipe.script(path, "#!/bin/sh\nset -e\n" + script + (script.endsWith("\n") ? "" : "\n"),
                        u.name("script"));
                b.append("ExecStart=").append(path).append('\n');
            }
            serviceKeys(b, sc);
            Object stateDirs = sc.get("StateDirectory");
            for (Object d : stateDirs instanceof List<?> l ? l : stateDirs == null ? List.of() : List.of(stateDirs)) {
                for (String one : String.valueOf(d).split("\\s+")) {
                    recipe.stateDir("/var/lib/" + one, u.name("serviceConfig"));
                }
            }
            List<String> wantedBy = u.strings("wantedBy");
            if (!wantedBy.isEmpty()) {
                b.append("\n[Install]\nWantedBy=").append(String.join(" ", wantedBy)).append('\n');
            }
            recipe.unit(name + ".service", b.toString(), wantedBy, u.bool("reloadIfChanged"), from);
        }
        for (String name : config.names("systemd.timers")) {
            timer(config.scope("systemd.timers", name), name, recipe);
        }
    }

    private static void timer(Config.Scope t, String name, RecipeBuilder recipe) {
        if (!t.bool("enable")) {
            return;
        }
        Map<String, Object> keys = t.table("timerConfig");
        if (keys.keySet().stream().noneMatch(k -> k.startsWith("On"))) {
            throw recipe.error("The timer `" + name + "' has no On...= key in timerConfig, so it would never fire; "
                    + "set e.g. OnCalendar = \"daily\" or OnBootSec = \"5min\".", t.name("timerConfig"));
        }
        StringBuilder b = new StringBuilder("[Unit]\n");
        if (!t.str("description").isEmpty()) {
            b.append("Description=").append(t.str("description")).append('\n');
        }
        b.append("\n[Timer]\n");
        serviceKeys(b, keys);
        List<String> wantedBy = t.strings("wantedBy");
        if (!wantedBy.isEmpty()) {
            b.append("\n[Install]\nWantedBy=").append(String.join(" ", wantedBy)).append('\n');
        }
        recipe.unit(name + ".timer", b.toString(), wantedBy, false, t.name("enable"), t.name("description"),
                t.name("wantedBy"), t.name("timerConfig"));
    }

    /** Writes [Service] keys in key order: lists repeat the key, booleans are true/false. */
    static void serviceKeys(StringBuilder b, Map<String, Object> keys) {
        keys.forEach((k, v) -> {
            if (v instanceof List<?> list) {
                list.forEach(item -> b.append(k).append('=').append(item).append('\n'));
            } else {
                b.append(k).append('=').append(v).append('\n');
            }
        });
    }

    private static void deps(StringBuilder b, String key, List<String> units) {
        if (!units.isEmpty()) {
            b.append(key).append('=').append(String.join(" ", units)).append('\n');
        }
    }
}
