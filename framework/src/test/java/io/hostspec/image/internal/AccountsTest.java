package io.hostspec.image.internal;

import io.hostspec.image.internal.Accounts.Group;
import io.hostspec.image.internal.Accounts.State;
import io.hostspec.image.internal.Accounts.User;
import io.hostspec.realize.Recipe;
import io.hostspec.realize.Recipe.GroupEntry;
import io.hostspec.realize.Recipe.UserEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Accounts converge: applying generation B's commands to a system set up from A ends with the accounts a system set
 * up from B alone has. The commands run against a small model of the shadow tools (ids allocated as Debian's are:
 * system ids downward from 999, others upward from 1000).
 */
class AccountsTest {

    private static final State BASE = State.parse("root:x:0:0:root:/root:/bin/bash\n"
            + "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n", "root:x:0:\nadm:x:4:\nusers:x:100:\n");

    private static Recipe recipe(Map<String, GroupEntry> groups, Map<String, UserEntry> users) {
        return new Recipe("h", new TreeSet<>(), new TreeMap<>(), new TreeMap<>(groups), new TreeMap<>(users),
                new TreeMap<>(), "", new TreeMap<>(), new TreeSet<>(), new TreeSet<>(),
                new Recipe.Hardware(512, 1, new TreeSet<>(Set.of(1))), new TreeMap<>(), new TreeMap<>());
    }

    private static UserEntry user(String name, Long uid, String group, Set<String> extra, String shell,
                                  boolean system) {
        return new UserEntry(name, uid, group, new TreeSet<>(extra), system ? "/var/empty" : "/home/" + name, shell,
                system, List.of());
    }

    /** Runs the commands against the model. */
    static State apply(State state, List<List<String>> commands) {
        SortedMap<String, User> users = new TreeMap<>(state.users());
        SortedMap<String, Group> groups = new TreeMap<>(state.groups());
        for (List<String> argv : commands) {
            String name = argv.get(argv.size() - 1);
            switch (argv.get(0)) {
                case "groupadd" -> {
                    int gid = argv.contains("--gid") ? Integer.parseInt(arg(argv, "--gid"))
                            : free(groups.values().stream().map(Group::gid).toList(), argv.contains("--system"));
                    groups.put(name, new Group(name, gid, new TreeSet<>()));
                }
                case "groupmod" -> {
                    Group g = groups.get(name);
                    int gid = Integer.parseInt(arg(argv, "--gid"));
                    groups.put(name, new Group(name, gid, g.members()));
                    // groupmod also moves the users whose primary group it is
                    users.replaceAll((n, u) -> u.gid() == g.gid() ? new User(n, u.uid(), gid, u.home(), u.shell()) : u);
                }
                case "useradd" -> {
                    int uid = argv.contains("--uid") ? Integer.parseInt(arg(argv, "--uid"))
                            : free(users.values().stream().map(User::uid).toList(), argv.contains("--system"));
                    users.put(name, new User(name, uid, groups.get(arg(argv, "--gid")).gid(), arg(argv, "--home-dir"),
                            arg(argv, "--shell")));
                    if (argv.contains("--groups")) {
                        join(groups, name, arg(argv, "--groups"));
                    }
                }
                case "usermod" -> {
                    User u = users.get(name);
                    users.put(name, new User(name,
                            argv.contains("--uid") ? Integer.parseInt(arg(argv, "--uid")) : u.uid(),
                            argv.contains("--gid") ? groups.get(arg(argv, "--gid")).gid() : u.gid(),
                            argv.contains("--home") ? arg(argv, "--home") : u.home(),
                            argv.contains("--shell") ? arg(argv, "--shell") : u.shell()));
                    if (argv.contains("--groups")) {
                        join(groups, name, arg(argv, "--groups"));
                    }
                }
                case "mkhomedir_helper" -> {
                    // makes the home directory; the model keeps no directories
                }
                case "gpasswd" -> {
                    Group g = groups.get(name);
                    TreeSet<String> members = new TreeSet<>(g.members());
                    members.remove(arg(argv, "--delete"));
                    groups.put(name, new Group(name, g.gid(), members));
                }
                default -> throw new AssertionError("the model has no " + argv);
            }
        }
        return new State(users, groups);
    }

    private static void join(SortedMap<String, Group> groups, String user, String list) {
        for (String name : list.split(",")) {
            Group g = groups.get(name);
            TreeSet<String> members = new TreeSet<>(g.members());
            members.add(user);
            groups.put(name, new Group(name, g.gid(), members));
        }
    }

    private static String arg(List<String> argv, String option) {
        return argv.get(argv.indexOf(option) + 1);
    }

    private static int free(List<Integer> used, boolean system) {
        if (system) {
            int id = 999;
            while (used.contains(id)) {
                id--;
            }
            return id;
        }
        return Math.max(999, used.stream().filter(i -> i >= 1000 && i < 60000).max(Integer::compare).orElse(999)) + 1;
    }

    /**
     * The accounts of a recipe as a state holds them, ids only where the recipe declares them: an id the system
     * allocated is the account's for good (a switch never renumbers it), so a fresh system may have allocated another.
     */
    private static SortedMap<String, String> declared(Recipe r, State s) {
        SortedMap<String, String> view = new TreeMap<>();
        for (GroupEntry g : r.groups().values()) {
            Group have = s.groups().get(g.name());
            view.put("group " + g.name(), have == null ? "missing" : (g.gid() == null ? "auto" : have.gid())
                    + " members " + have.members().stream().filter(r.users()::containsKey).toList());
        }
        for (UserEntry u : r.users().values()) {
            User have = s.users().get(u.name());
            String primary = s.groups().values().stream().filter(g -> have != null && g.gid() == have.gid())
                    .map(Group::name).findFirst().orElse("?");
            List<String> memberOf = s.groups().values().stream().filter(g -> g.members().contains(u.name()))
                    .map(Group::name).toList();
            view.put("user " + u.name(), have == null ? "missing" : (u.uid() == null ? "auto" : have.uid())
                    + " primary " + primary + " groups " + memberOf + " home " + have.home() + " shell "
                    + have.shell());
        }
        return view;
    }

    private static void assertConverges(Recipe a, Recipe b) {
        State fresh = apply(BASE, Accounts.commands(b, null, BASE));
        State fromA = apply(BASE, Accounts.commands(a, null, BASE));
        State switched = apply(fromA, Accounts.commands(b, a, fromA));
        assertEquals(declared(b, fresh), declared(b, switched));
        assertEquals(List.of(), Accounts.commands(b, b, switched), "a second switch to B changes nothing");
    }

    @Test
    void aChangedGidIsGroupmoddedNotIgnored() {
        Recipe a = recipe(Map.of("web", new GroupEntry("web", 900L, true)),
                Map.of("app", user("app", null, "web", Set.of(), null, true)));
        Recipe b = recipe(Map.of("web", new GroupEntry("web", 950L, true)),
                Map.of("app", user("app", null, "web", Set.of(), null, true)));
        assertEquals(List.of(List.of("groupmod", "--gid", "950", "web")),
                Accounts.commands(b, a, apply(BASE, Accounts.commands(a, null, BASE))));
        assertConverges(a, b);
    }

    @Test
    void uidPrimaryGroupShellAndMembershipsConverge() {
        Recipe a = recipe(Map.of("ops", new GroupEntry("ops", null, false)),
                Map.of("alice", user("alice", 1500L, "users", Set.of("adm", "ops"), "/bin/sh", false)));
        Recipe b = recipe(Map.of("ops", new GroupEntry("ops", null, false), "dev", new GroupEntry("dev", 2000L, false)),
                Map.of("alice", user("alice", 1600L, "dev", Set.of("ops"), "/bin/bash", false),
                        "bob", user("bob", null, "", Set.of("adm"), null, false)));
        assertConverges(a, b);
        assertConverges(b, a);
    }

    @Test
    void anAccountAPackageMadeIsAmendedNotRecreated() {
        State withRedis = BASE.plus("redis:x:101:101::/var/lib/redis:/usr/sbin/nologin\n", "redis:x:101:\n");
        Recipe r = recipe(Map.of(), Map.of("redis", new UserEntry("redis", null, "redis", new TreeSet<>(Set.of("adm")),
                "/var/lib/redis", "/usr/sbin/nologin", true, List.of())));
        assertEquals(List.of(List.of("usermod", "--append", "--groups", "adm", "redis")),
                Accounts.commands(r, null, withRedis));
    }

    @Test
    void aNormalUserDeclaredOverASystemAccountGetsItsHomeCreated() {
        // Debian has `backup' (uid 34, home /var/backups); a host declares it as a normal user
        State debian = BASE.plus("backup:x:34:34:backup:/var/backups:/usr/sbin/nologin\n", "backup:x:34:\n");
        Recipe r = recipe(Map.of(), Map.of("backup", user("backup", null, "users", Set.of(), null, false)));
        assertEquals(List.of(
                        List.of("usermod", "--gid", "users", "--home", "/home/backup", "--shell", "/bin/bash", "backup"),
                        List.of("mkhomedir_helper", "backup", "0077")),
                Accounts.commands(r, null, debian));
        State after = apply(debian, Accounts.commands(r, null, debian));
        assertEquals(List.of(), Accounts.commands(r, null, after), "nothing more to do once it is done");
    }

    @Test
    void parsesPasswdAndGroupAndTheReadCommandsOutput() {
        State s = State.parseOutput("root:x:0:0:root:/root:/bin/bash\nbroken line\n@hostspec-accounts\n"
                + "adm:x:4:syslog,alice\n");
        assertEquals(new User("root", 0, 0, "/root", "/bin/bash"), s.users().get("root"));
        assertEquals(1, s.users().size());
        assertEquals(new Group("adm", 4, new TreeSet<>(Set.of("alice", "syslog"))), s.groups().get("adm"));
    }
}
