package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.ConfigError;
import io.hostspec.module.ConfigException;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * {@code users.users.<name>} and {@code users.groups.<name>} with the NixOS rules: a user is exactly one of a normal
 * or a system user; normal users default to the group "users", /home/<name> and /bin/bash; system users must name
 * their group and default to /var/empty and /usr/sbin/nologin. The home of a normal user is state. Whether each group
 * exists is checked when the recipe is built, since services add users of their own.
 */
final class UsersRealizer implements Realizer {

    /** The unit that sets the passwords of users with a {@code hashedPasswordFile}, after the secrets are installed. */
    static final String PASSWORDS_UNIT = "hostspec-user-passwords.service";
    private static final String PASSWORDS_SCRIPT = SystemdRealizer.SCRIPTS + "user-passwords.sh";

    @Override
    public List<OptionDecl> options() {
        String u = "users.users.<name>.";
        String g = "users.groups.<name>.";
        return new Declarations("users")
                .add(u + "isNormalUser", Types.bool(), false, "A real user: home in /home, login shell, group users.")
                .add(u + "isSystemUser", Types.bool(), false, "A system user: no home, no login shell.")
                .add(u + "uid", Types.nullOr(Types.integer()), null, "Fixed uid; null lets the system choose.")
                .add(u + "group", Types.str(), "", "Primary group; required for system users, \"users\" for normal "
                        + "users when empty.")
                .add(u + "extraGroups", Types.listOf(Types.str()), List.of(), "Supplementary groups.")
                .add(u + "home", Types.nullOr(Types.path()), null,
                        "Home directory; null: /home/<name> for normal users, /var/empty otherwise.")
                .add(u + "shell", Types.nullOr(Types.path()), null,
                        "Login shell; null: /bin/bash for normal users, /usr/sbin/nologin otherwise.")
                .add(u + "openssh.authorizedKeys.keys", Types.listOf(Types.str()), List.of(),
                        "SSH public keys that may log in as this user.")
                .add(u + "hashedPasswordFile", Types.nullOr(Types.str()), null, "A file holding the user's hashed "
                        + "password (crypt(3), e.g. from mkpasswd), read at activation, e.g. a sops secret's path; "
                        + "applied by " + PASSWORDS_UNIT + ".")
                .add(g + "gid", Types.nullOr(Types.integer()), null, "Fixed gid; null lets the system choose.")
                .add(g + "members", Types.listOf(Types.str()), List.of(),
                        "Users (of users.users) added to this group; [] declares an empty group.")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        List<ConfigError> errors = new ArrayList<>();
        Map<String, SortedSet<String>> memberOf = new HashMap<>();
        SortedSet<String> userNames = config.names("users.users");
        for (String name : config.names("users.groups")) {
            Config.Scope g = config.scope("users.groups", name);
            Object gid = g.get("gid");
            recipe.group(name, (Long) gid, false, g.name("gid"), g.name("members"));
            for (String member : g.strings("members")) {
                if (!userNames.contains(member)) {
                    errors.addAll(recipe.error("The group `" + name + "' has the member `" + member
                            + "', which is not a user of users.users.", g.name("members")).errors());
                }
                memberOf.computeIfAbsent(member, k -> new TreeSet<>()).add(name);
            }
        }
        for (String name : userNames) {
            Config.Scope u = config.scope("users.users", name);
            boolean normal = u.bool("isNormalUser");
            boolean system = u.bool("isSystemUser");
            if (normal == system) {
                errors.addAll(recipe.error("Exactly one of users.users." + name + ".isSystemUser and users.users."
                        + name + ".isNormalUser must be set.", u.name("isNormalUser"), u.name("isSystemUser"))
                        .errors());
                continue;
            }
            String group = u.str("group");
            if (group.isEmpty()) {
                if (system) {
                    errors.addAll(recipe.error("users.users." + name + ".group is unset: a system user needs a "
                            + "group, e.g. \"users.users." + name + ".group\" = \"" + name + "\" and \"users.groups."
                            + name + ".members\" = [].", u.name("isSystemUser"), u.name("group")).errors());
                    continue;
                }
                group = "users";
            }
            SortedSet<String> extra = new TreeSet<>(u.strings("extraGroups"));
            extra.addAll(memberOf.getOrDefault(name, new TreeSet<>()));
            extra.remove(group);
            String home = u.str("home") != null ? u.str("home") : normal ? "/home/" + name : "/var/empty";
            String shell = u.str("shell") != null ? u.str("shell") : normal ? "/bin/bash" : "/usr/sbin/nologin";
            Object uid = u.get("uid");
            String[] from = {u.name("isNormalUser"), u.name("isSystemUser"), u.name("uid"), u.name("group"),
                    u.name("extraGroups"), u.name("home"), u.name("shell"), u.name("openssh.authorizedKeys.keys")};
            recipe.user(new Recipe.UserEntry(name, (Long) uid, group, extra, home, shell, system,
                    List.copyOf(u.strings("openssh.authorizedKeys.keys"))), from);
            if (normal) {
                recipe.stateDir(home, u.name("isNormalUser"), u.name("home"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        passwords(config, userNames, recipe);
    }

    // A password file may appear after boot (a secret): a missing file is skipped and said, and
    // sops-install-secrets restarts the unit once the secrets are there.
    private static void passwords(Config config, SortedSet<String> userNames, RecipeBuilder recipe) {
        StringBuilder script = new StringBuilder("#!/bin/sh\nset -e\n");
        List<String> from = new ArrayList<>();
        for (String name : userNames) {
            Config.Scope u = config.scope("users.users", name);
            String file = u.str("hashedPasswordFile");
            if (file != null) {
                from.add(u.name("hashedPasswordFile"));
                String f = quote(file);
                script.append("if [ -r ").append(f).append(" ]; then usermod -p \"$(cat ").append(f).append(")\" ")
                        .append(quote(name)).append("; else echo \"").append(name)
                        .append(": no password file ").append(file.replace("\"", "")).append(" yet\"; fi\n");
            }
        }
        if (from.isEmpty()) {
            return;
        }
        String[] fromArray = from.toArray(String[]::new);
        recipe.script(PASSWORDS_SCRIPT, script.toString(), fromArray);
        recipe.unit(PASSWORDS_UNIT, "[Unit]\nDescription=Passwords of users with a hashedPasswordFile\n"
                + "After=sops-install-secrets.service\n\n[Service]\nType=oneshot\nRemainAfterExit=yes\nExecStart="
                + PASSWORDS_SCRIPT + "\n\n[Install]\nWantedBy=multi-user.target\n", List.of("multi-user.target"),
                false, fromArray);
    }

    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
