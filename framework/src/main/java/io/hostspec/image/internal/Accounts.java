package io.hostspec.image.internal;

import io.hostspec.realize.Recipe;
import io.hostspec.realize.Recipe.GroupEntry;
import io.hostspec.realize.Recipe.UserEntry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The one renderer of a recipe's accounts, for the image and for a live switch alike: given the accounts a system
 * has ({@link State}, read from its {@code /etc/passwd} and {@code /etc/group}), the {@code groupadd},
 * {@code groupmod}, {@code useradd}, {@code usermod} and {@code gpasswd} commands that make it hold the recipe's
 * groups and users. An image applies them in a chroot to the base layer's accounts; a switch runs them in the guest
 * on the guest's accounts. So a switched host and a host freshly built from the same recipe end with the same
 * declared ids, primary groups, memberships, homes and shells.
 *
 * <p>What is declared wins over what exists: a changed gid is {@code groupmod}ded, a changed uid, primary group,
 * home or shell is {@code usermod}ded. Memberships the previous generation declared and the new one does not are
 * removed; memberships nobody declared (a package's) are kept. Accounts a generation no longer declares are kept,
 * with their files: removing a user is an administrator's decision, as with NixOS' mutable users.
 */
public final class Accounts {

    private static final String SEPARATOR = "@hostspec-accounts";

    private Accounts() {
    }

    /**
     * A user as {@code /etc/passwd} has it.
     *
     * @param name  the login name
     * @param uid   the uid
     * @param gid   the primary group's gid
     * @param home  the home directory
     * @param shell the login shell
     */
    public record User(String name, int uid, int gid, String home, String shell) {
    }

    /**
     * A group as {@code /etc/group} has it.
     *
     * @param name    the group's name
     * @param gid     the gid
     * @param members its supplementary members
     */
    public record Group(String name, int gid, SortedSet<String> members) {

        /** A group; members are copied and sorted. */
        public Group {
            members = Collections.unmodifiableSortedSet(new TreeSet<>(members));
        }
    }

    /**
     * The accounts of a system.
     *
     * @param users  by name
     * @param groups by name
     */
    public record State(SortedMap<String, User> users, SortedMap<String, Group> groups) {

        /** A state; maps are copied and unmodifiable. */
        public State {
            users = Collections.unmodifiableSortedMap(new TreeMap<>(users));
            groups = Collections.unmodifiableSortedMap(new TreeMap<>(groups));
        }

        /**
         * Parses {@code /etc/passwd} and {@code /etc/group}; malformed lines are skipped, as the tools skip them.
         *
         * @param passwd the text of /etc/passwd
         * @param group  the text of /etc/group
         * @return the state
         */
        public static State parse(String passwd, String group) {
            return new State(new TreeMap<>(), new TreeMap<>()).plus(passwd, group);
        }

        /**
         * This state with more entries (lines of passwd and group text) added where their names are missing, as a
         * package delta appends them.
         *
         * @param passwd passwd lines
         * @param group  group lines
         * @return the merged state
         */
        public State plus(String passwd, String group) {
            SortedMap<String, User> u = new TreeMap<>(users);
            for (String line : passwd.split("\n")) {
                String[] f = line.split(":", -1);
                if (f.length >= 7 && !f[0].isBlank() && isInt(f[2]) && isInt(f[3])) {
                    u.putIfAbsent(f[0], new User(f[0], Integer.parseInt(f[2]), Integer.parseInt(f[3]), f[5], f[6]));
                }
            }
            SortedMap<String, Group> g = new TreeMap<>(groups);
            for (String line : group.split("\n")) {
                String[] f = line.split(":", -1);
                if (f.length >= 4 && !f[0].isBlank() && isInt(f[2])) {
                    SortedSet<String> members = new TreeSet<>();
                    for (String m : f[3].split(",")) {
                        if (!m.isBlank()) {
                            members.add(m.strip());
                        }
                    }
                    g.putIfAbsent(f[0], new Group(f[0], Integer.parseInt(f[2]), members));
                }
            }
            return new State(u, g);
        }

        /** The command whose output {@link #parseOutput(String)} reads: the system's passwd and group files. */
        public static String readCommand() {
            return "cat /etc/passwd && echo " + SEPARATOR + " && cat /etc/group";
        }

        /**
         * Parses the output of {@link #readCommand()}.
         *
         * @param output the command's output
         * @return the state
         * @throws IllegalArgumentException when the output lacks the separator
         */
        public static State parseOutput(String output) {
            int at = output.indexOf(SEPARATOR);
            if (at < 0) {
                throw new IllegalArgumentException("not the output of `" + readCommand() + "`: " + output.strip());
            }
            return parse(output.substring(0, at), output.substring(at + SEPARATOR.length()));
        }

        private static boolean isInt(String s) {
            return s.matches("\\d{1,10}");
        }
    }

    /**
     * The commands that make a system holding {@code state} hold the accounts of {@code to}.
     *
     * @param to       the recipe whose groups and users are wanted
     * @param previous the recipe the system was set up from (a switch's running generation), or null for an image:
     *                 its declared memberships that {@code to} drops are removed
     * @param state    the system's accounts now
     * @return the commands, in order (groups first), each an argv
     */
    public static List<List<String>> commands(Recipe to, Recipe previous, State state) {
        List<List<String>> cmds = new ArrayList<>();
        SortedSet<String> groupNames = new TreeSet<>(state.groups().keySet());
        for (GroupEntry g : to.groups().values()) {
            Group have = state.groups().get(g.name());
            if (have == null) {
                List<String> cmd = new ArrayList<>(List.of("groupadd"));
                if (g.system()) {
                    cmd.add("--system");
                }
                if (g.gid() != null) {
                    cmd.addAll(List.of("--gid", g.gid().toString()));
                }
                cmd.add(g.name());
                cmds.add(cmd);
                groupNames.add(g.name());
            } else if (g.gid() != null && g.gid().intValue() != have.gid()) {
                cmds.add(List.of("groupmod", "--gid", g.gid().toString(), g.name()));
            }
        }
        for (UserEntry u : to.users().values()) {
            String group = primaryGroup(u);
            if (!groupNames.contains(group)) {
                cmds.add(u.system() ? List.of("groupadd", "--system", group) : List.of("groupadd", group));
                groupNames.add(group);
            }
            SortedSet<String> extra = new TreeSet<>(u.extraGroups() == null ? List.of() : u.extraGroups());
            User have = state.users().get(u.name());
            if (have == null) {
                cmds.add(useradd(u, group, extra));
                continue;
            }
            List<String> mod = new ArrayList<>(List.of("usermod"));
            if (u.uid() != null && u.uid().intValue() != have.uid()) {
                mod.addAll(List.of("--uid", u.uid().toString()));
            }
            Group primary = state.groups().get(group);
            if (primary == null || primary.gid() != have.gid()) {
                mod.addAll(List.of("--gid", group));
            }
            if (!home(u).equals(have.home())) {
                mod.addAll(List.of("--home", home(u)));
            }
            if (!shell(u).equals(have.shell())) {
                mod.addAll(List.of("--shell", shell(u)));
            }
            List<String> missing = extra.stream().filter(e -> {
                Group g = state.groups().get(e);
                return g == null || !g.members().contains(u.name());
            }).toList();
            if (!missing.isEmpty()) {
                mod.addAll(List.of("--append", "--groups", String.join(",", missing)));
            }
            if (mod.size() > 1) {
                mod.add(u.name());
                cmds.add(mod);
            }
            if (!u.system() && !home(u).equals(have.home())) {
                // A normal user declared over an account the system has (Debian's own `backup', say) gets its home
                // created, as useradd --create-home would (nothing when it exists), with NixOS' homeMode 700.
                cmds.add(List.of("mkhomedir_helper", u.name(), "0077"));
            }
            UserEntry before = previous == null ? null : previous.users().get(u.name());
            if (before != null && before.extraGroups() != null) {
                for (String dropped : new TreeSet<>(before.extraGroups())) {
                    Group g = state.groups().get(dropped);
                    if (!extra.contains(dropped) && g != null && g.members().contains(u.name())) {
                        cmds.add(List.of("gpasswd", "--delete", u.name(), dropped));
                    }
                }
            }
        }
        return cmds;
    }

    /** A user's primary group: the declared one, or a group of the user's name. */
    public static String primaryGroup(UserEntry u) {
        return u.group() == null || u.group().isBlank() ? u.name() : u.group();
    }

    private static List<String> useradd(UserEntry u, String group, SortedSet<String> extra) {
        List<String> cmd = new ArrayList<>(List.of("useradd"));
        if (u.system()) {
            cmd.add("--system");
        }
        if (u.uid() != null) {
            cmd.addAll(List.of("--uid", u.uid().toString()));
        }
        cmd.addAll(List.of("--gid", group));
        if (!extra.isEmpty()) {
            cmd.addAll(List.of("--groups", String.join(",", extra)));
        }
        cmd.addAll(List.of("--home-dir", home(u)));
        cmd.add(u.system() ? "--no-create-home" : "--create-home");
        cmd.addAll(List.of("--shell", shell(u)));
        cmd.add(u.name());
        return cmd;
    }

    private static String home(UserEntry u) {
        return u.home() == null || u.home().isBlank() ? (u.system() ? "/nonexistent" : "/home/" + u.name())
                : u.home();
    }

    private static String shell(UserEntry u) {
        return u.shell() == null || u.shell().isBlank() ? (u.system() ? "/usr/sbin/nologin" : "/bin/bash")
                : u.shell();
    }
}
