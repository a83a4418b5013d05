package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.ConfigError;
import io.hostspec.module.ConfigException;
import io.hostspec.module.OptionPath;
import io.hostspec.module.Provenance;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Collects the artifacts of one host while realizers run, and for each artifact the option paths that produced it
 * ({@code from}: concrete written paths such as {@code services.redis.servers.xo.port}). {@link #build()} freezes the
 * result into a {@link Recipe}, checks what only the whole recipe can tell (every user's groups exist) and looks up the
 * file:line of every recorded option.
 *
 * <p>Adding the same artifact twice is fine when both agree (the option lists are merged); two different contents for
 * one file, unit or user are rejected with a {@link ConfigException} naming the options of both sides. Not thread-safe:
 * one builder per realization.
 */
public final class RecipeBuilder {

    /**
     * Groups a Debian bookworm system has without being declared (base-passwd plus the groups systemd and the base
     * packages create); users may name them as primary or extra groups.
     */
    public static final Set<String> SYSTEM_GROUPS = Set.of(
            "root", "daemon", "bin", "sys", "adm", "tty", "disk", "lp", "mail", "news", "uucp", "man", "proxy", "kmem",
            "dialout", "fax", "voice", "cdrom", "floppy", "tape", "sudo", "audio", "dip", "www-data", "backup",
            "operator", "list", "irc", "src", "shadow", "utmp", "video", "sasl", "plugdev", "staff", "games", "users",
            "nogroup", "systemd-journal", "systemd-network", "systemd-timesync", "input", "kvm", "render", "netdev",
            "messagebus", "_ssh", "crontab");

    private final Config config;
    private String hostName = "nixos";
    private final SortedSet<String> packages = new TreeSet<>();
    private final SortedMap<String, Recipe.FileEntry> files = new TreeMap<>();
    private final SortedMap<String, Recipe.GroupEntry> groups = new TreeMap<>();
    private final SortedMap<String, Recipe.UserEntry> users = new TreeMap<>();
    private final SortedMap<String, Recipe.UnitEntry> units = new TreeMap<>();
    private String nftables = "";
    private final SortedMap<String, String> sysctls = new TreeMap<>();
    private final SortedSet<String> kernelModules = new TreeSet<>();
    private final SortedSet<String> stateDirs = new TreeSet<>();
    private Recipe.Hardware hardware = new Recipe.Hardware(1024, 1, new TreeSet<>(List.of(1)));
    private final SortedMap<String, SortedSet<Integer>> ports = new TreeMap<>();
    private final SortedMap<String, SortedSet<String>> artifacts = new TreeMap<>();

    private RecipeBuilder(Config config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** An empty builder for a host's evaluated configuration (used to look up provenance and for error messages). */
    public static RecipeBuilder forConfig(Config config) {
        return new RecipeBuilder(config);
    }

    /** The configuration being realized. */
    public Config config() {
        return config;
    }

    /** Sets the host name (artifact {@code hostName}). */
    public RecipeBuilder hostName(String name, String... from) {
        this.hostName = Objects.requireNonNull(name);
        record("hostName", from);
        return this;
    }

    /** Adds a Debian package (artifact {@code package:<name>}). */
    public RecipeBuilder pkg(String name, String... from) {
        packages.add(name);
        record("package:" + name, from);
        return this;
    }

    /**
     * Adds a file (artifact {@code file:<path>}).
     *
     * @param entry the file: absolute path, text content, octal mode such as {@code "0644"}, owner and group
     * @throws ConfigException when another realizer wrote different content or metadata to the same path
     */
    public RecipeBuilder file(Recipe.FileEntry entry, String... from) {
        if (!entry.path().startsWith("/")) {
            throw new IllegalArgumentException("file path must be absolute: " + entry.path());
        }
        merge("file:" + entry.path(), files, entry.path(), entry, from);
        return this;
    }

    /** A file owned by root, mode 0644; see {@link #file(Recipe.FileEntry, String...)}. */
    public RecipeBuilder file(String path, String content, String... from) {
        return file(new Recipe.FileEntry(path, content, "0644", "root", "root"), from);
    }

    /** An executable file owned by root, mode 0755; see {@link #file(Recipe.FileEntry, String...)}. */
    public RecipeBuilder script(String path, String content, String... from) {
        return file(new Recipe.FileEntry(path, content, "0755", "root", "root"), from);
    }

    /**
     * Adds a systemd unit (artifact {@code unit:<name>}).
     *
     * @param name       unit name with suffix
     * @param content    the unit file, or null for a unit a package ships that is only enabled
     * @param wantedBy   targets that pull it in; {@code multi-user.target} enables it at boot
     * @param reloadable whether a configuration change reloads rather than restarts it
     */
    public RecipeBuilder unit(String name, String content, Collection<String> wantedBy, boolean reloadable,
                              String... from) {
        Recipe.UnitEntry entry = new Recipe.UnitEntry(name, content, Collections.unmodifiableSortedSet(
                new TreeSet<>(wantedBy)), reloadable);
        merge("unit:" + name, units, name, entry, from);
        return this;
    }

    /**
     * Adds a user (artifact {@code user:<name>}). Its groups are checked by {@link #build()}.
     *
     * @throws ConfigException when the user was already added with different attributes
     */
    public RecipeBuilder user(Recipe.UserEntry user, String... from) {
        merge("user:" + user.name(), users, user.name(), user, from);
        return this;
    }

    /**
     * Adds a group (artifact {@code group:<name>}). Two additions agree unless both fix different gids.
     *
     * @throws ConfigException when the group was already added with another gid
     */
    public RecipeBuilder group(String name, Long gid, boolean system, String... from) {
        Recipe.GroupEntry old = groups.get(name);
        Recipe.GroupEntry entry = new Recipe.GroupEntry(name, gid, system);
        if (old != null) {
            if (old.gid() != null && gid != null && !old.gid().equals(gid)) {
                throw clash("group:" + name, "the group `" + name + "' has two gids, " + old.gid() + " and " + gid,
                        from);
            }
            entry = new Recipe.GroupEntry(name, old.gid() != null ? old.gid() : gid, old.system() || system);
        }
        groups.put(name, entry);
        record("group:" + name, from);
        return this;
    }

    /**
     * Opens a port in the firewall (artifact {@code port:<proto>/<port>}, e.g. {@code port:tcp/443}).
     *
     * @param proto {@code tcp} or {@code udp}
     */
    public RecipeBuilder port(String proto, long port, String... from) {
        if (!proto.equals("tcp") && !proto.equals("udp")) {
            throw new IllegalArgumentException("proto must be tcp or udp: " + proto);
        }
        ports.computeIfAbsent(proto, k -> new TreeSet<>()).add((int) port);
        record("port:" + proto + "/" + port, from);
        return this;
    }

    /** Sets the nftables ruleset (artifact {@code nftables}). */
    public RecipeBuilder nftables(String ruleset, String... from) {
        this.nftables = Objects.requireNonNull(ruleset);
        record("nftables", from);
        return this;
    }

    /** Sets a kernel parameter (artifact {@code sysctl:<key>}). */
    public RecipeBuilder sysctl(String key, String value, String... from) {
        sysctls.put(key, value);
        record("sysctl:" + key, from);
        return this;
    }

    /** Loads a kernel module at boot (artifact {@code kernelModule:<name>}). */
    public RecipeBuilder kernelModule(String name, String... from) {
        kernelModules.add(name);
        record("kernelModule:" + name, from);
        return this;
    }

    /** Declares a state directory, never touched by a switch or a rollback (artifact {@code stateDir:<path>}). */
    public RecipeBuilder stateDir(String path, String... from) {
        stateDirs.add(path);
        record("stateDir:" + path, from);
        return this;
    }

    /** Sets the VM hardware (artifact {@code hardware}). */
    public RecipeBuilder hardware(Recipe.Hardware hw, String... from) {
        this.hardware = Objects.requireNonNull(hw);
        record("hardware", from);
        return this;
    }

    /** The VM hardware set so far (a realizer adding devices copies it with {@code withX}). */
    public Recipe.Hardware hardware() {
        return hardware;
    }

    /** The ports opened so far for a protocol ({@code tcp} or {@code udp}), sorted. */
    public SortedSet<Integer> openPorts(String proto) {
        return Collections.unmodifiableSortedSet(ports.getOrDefault(proto, new TreeSet<>()));
    }

    /** The option paths recorded so far for an artifact id; empty when unknown. */
    public SortedSet<String> producedBy(String artifact) {
        return Collections.unmodifiableSortedSet(artifacts.getOrDefault(artifact, new TreeSet<>()));
    }

    /**
     * A {@link ConfigException} of kind {@link ConfigError.Kind#ASSERTION}: the message, then every named option with
     * the file:line of its definitions.
     */
    public ConfigException error(String message, String... options) {
        List<Provenance> where = new ArrayList<>();
        StringBuilder b = new StringBuilder(message);
        for (String o : new LinkedHashSet<>(List.of(options))) {
            List<Provenance> at = config.definedAt(OptionPath.parse(o));
            where.addAll(at);
            b.append("\n- `").append(o).append("' ").append(at.isEmpty() ? "has its default value"
                    : "is defined at " + at.stream().map(Provenance::toString).collect(Collectors.joining(", ")));
        }
        return new ConfigException(new ConfigError(ConfigError.Kind.ASSERTION, b.toString(), List.copyOf(where)));
    }

    /**
     * The immutable recipe. Fills {@link Recipe#options()} with the file:line of every recorded option (an empty list
     * when only the option's default applied).
     *
     * @throws ConfigException when a user names a group that is neither declared nor a {@link #SYSTEM_GROUPS} member;
     *                         every such user is reported
     */
    public Recipe build() {
        List<ConfigError> errors = new ArrayList<>();
        for (Recipe.UserEntry u : users.values()) {
            Set<String> wanted = new LinkedHashSet<>();
            wanted.add(u.group());
            wanted.addAll(u.extraGroups());
            for (String g : wanted) {
                if (!groups.containsKey(g) && !SYSTEM_GROUPS.contains(g)) {
                    String[] from = artifacts.getOrDefault("user:" + u.name(), new TreeSet<>()).toArray(String[]::new);
                    errors.addAll(error("The user `" + u.name() + "' is in the group `" + g + "', which does not "
                            + "exist: declare it, e.g. \"users.groups." + g + ".members\" = [], or use a group of the "
                            + "base system.", from).errors());
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        SortedMap<String, SortedSet<String>> frozenArtifacts = new TreeMap<>();
        SortedMap<String, List<String>> options = new TreeMap<>();
        artifacts.forEach((id, from) -> {
            frozenArtifacts.put(id, Collections.unmodifiableSortedSet(new TreeSet<>(from)));
            for (String o : from) {
                options.computeIfAbsent(o, k -> config.definedAt(OptionPath.parse(k)).stream()
                        .map(Provenance::toString).toList());
            }
        });
        return new Recipe(hostName,
                Collections.unmodifiableSortedSet(new TreeSet<>(packages)),
                Collections.unmodifiableSortedMap(new TreeMap<>(files)),
                Collections.unmodifiableSortedMap(new TreeMap<>(groups)),
                Collections.unmodifiableSortedMap(new TreeMap<>(users)),
                Collections.unmodifiableSortedMap(new TreeMap<>(units)),
                nftables,
                Collections.unmodifiableSortedMap(new TreeMap<>(sysctls)),
                Collections.unmodifiableSortedSet(new TreeSet<>(kernelModules)),
                Collections.unmodifiableSortedSet(new TreeSet<>(stateDirs)),
                hardware,
                Collections.unmodifiableSortedMap(frozenArtifacts),
                Collections.unmodifiableSortedMap(options));
    }

    private <T> void merge(String artifact, SortedMap<String, T> into, String key, T entry, String[] from) {
        T old = into.get(key);
        if (old != null && !old.equals(entry)) {
            throw clash(artifact, "`" + artifact + "' is produced twice with different contents", from);
        }
        into.put(key, entry);
        record(artifact, from);
    }

    private ConfigException clash(String artifact, String message, String[] from) {
        List<String> all = new ArrayList<>(artifacts.getOrDefault(artifact, new TreeSet<>()));
        all.addAll(List.of(from));
        return error(message + "; the options involved:", all.toArray(String[]::new));
    }

    private void record(String artifact, String[] from) {
        SortedSet<String> set = artifacts.computeIfAbsent(artifact, k -> new TreeSet<>());
        for (String f : from) {
            set.add(f);
        }
    }
}
