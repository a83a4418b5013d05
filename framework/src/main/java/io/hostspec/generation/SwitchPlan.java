package io.hostspec.generation;

import io.hostspec.image.internal.RecipeApplier;
import io.hostspec.realize.Recipe;
import io.hostspec.realize.Recipe.FileEntry;
import io.hostspec.realize.Recipe.GroupEntry;
import io.hostspec.realize.Recipe.UnitEntry;
import io.hostspec.realize.Recipe.UserEntry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a switch from one generation's recipe to another's changes on a live guest, computed from the two recipes alone
 * (pure: no guest involved). The guest-side paths a recipe manages are its files plus what the image builder derives
 * from it (unit files in /etc/systemd/system, their {@code .wants} links, /etc/nftables.conf, the sysctl and
 * modules-load files), exactly as {@link RecipeApplier} writes them into an image.
 *
 * <p>Units are classified the way NixOS' switch-to-configuration does: a unit only in the new recipe is started when a
 * target wants it; a unit only in the old one is stopped; a unit whose unit file changed, or one of whose files
 * changed, is restarted, or reloaded when it declares {@link UnitEntry#reloadable()}; every other unit is left alone.
 * A file belongs to a unit when the unit file names its path, or when a path segment is the unit's base name
 * ({@code /etc/redis/redis-xo.conf} belongs to {@code redis-xo.service}, {@code /etc/nginx/...} to
 * {@code nginx.service}).
 *
 * <p>Nothing under a state directory of either recipe ({@link Recipe#stateDirs()}) is ever written or removed; such
 * paths are listed in {@link #untouchedState()}. Two recipes with the same {@link Recipe#imageHash()} give an empty
 * plan.
 *
 * @param write           files to create or replace, by path
 * @param remove          files of the old generation the new one no longer has
 * @param linksToAdd      {@code .wants} links to create: link path to unit name
 * @param linksToRemove   {@code .wants} links to remove
 * @param groups          groups the new generation has and the old one had not (or with another gid)
 * @param users           users the new generation has and the old one had not, or whose entry changed
 * @param start           new units some target wants: started
 * @param restart         changed units without reload support: restarted (if running)
 * @param reload          changed units that declare reload: reloaded (if running)
 * @param stop            units the new generation no longer has: stopped (if running)
 * @param unchanged       units in both generations that nothing touched
 * @param firewallChanged whether the nftables ruleset changed (reloaded with {@code nft -f})
 * @param sysctlsChanged  whether the kernel parameters changed (applied with {@code sysctl -p})
 * @param packagesAdded   packages the new generation adds
 * @param packagesRemoved packages the new generation drops
 * @param untouchedState  changed paths left alone because they lie under a state directory
 */
public record SwitchPlan(
        SortedMap<String, FileEntry> write,
        SortedSet<String> remove,
        SortedMap<String, String> linksToAdd,
        SortedSet<String> linksToRemove,
        List<GroupEntry> groups,
        List<UserEntry> users,
        SortedSet<String> start,
        SortedSet<String> restart,
        SortedSet<String> reload,
        SortedSet<String> stop,
        SortedSet<String> unchanged,
        boolean firewallChanged,
        boolean sysctlsChanged,
        SortedSet<String> packagesAdded,
        SortedSet<String> packagesRemoved,
        SortedSet<String> untouchedState) {

    /** A plan; collections are copied and unmodifiable. */
    public SwitchPlan {
        write = Collections.unmodifiableSortedMap(new TreeMap<>(write));
        remove = Collections.unmodifiableSortedSet(new TreeSet<>(remove));
        linksToAdd = Collections.unmodifiableSortedMap(new TreeMap<>(linksToAdd));
        linksToRemove = Collections.unmodifiableSortedSet(new TreeSet<>(linksToRemove));
        groups = List.copyOf(groups);
        users = List.copyOf(users);
        start = Collections.unmodifiableSortedSet(new TreeSet<>(start));
        restart = Collections.unmodifiableSortedSet(new TreeSet<>(restart));
        reload = Collections.unmodifiableSortedSet(new TreeSet<>(reload));
        stop = Collections.unmodifiableSortedSet(new TreeSet<>(stop));
        unchanged = Collections.unmodifiableSortedSet(new TreeSet<>(unchanged));
        packagesAdded = Collections.unmodifiableSortedSet(new TreeSet<>(packagesAdded));
        packagesRemoved = Collections.unmodifiableSortedSet(new TreeSet<>(packagesRemoved));
        untouchedState = Collections.unmodifiableSortedSet(new TreeSet<>(untouchedState));
    }

    /**
     * The plan that turns a guest running {@code from} into one running {@code to}.
     *
     * @param from the recipe of the running generation
     * @param to   the recipe of the generation to activate
     * @return the plan, empty when both recipes realize the same image
     */
    public static SwitchPlan between(Recipe from, Recipe to) {
        Set<String> state = new TreeSet<>(from.stateDirs());
        state.addAll(to.stateDirs());
        SortedSet<String> untouched = new TreeSet<>();

        SortedMap<String, FileEntry> before = managedFiles(from);
        SortedMap<String, FileEntry> after = managedFiles(to);
        SortedMap<String, FileEntry> write = new TreeMap<>();
        SortedSet<String> remove = new TreeSet<>();
        after.forEach((path, entry) -> {
            if (!entry.equals(before.get(path))) {
                if (underState(path, state)) {
                    untouched.add(path);
                } else {
                    write.put(path, entry);
                }
            }
        });
        for (String path : before.keySet()) {
            if (!after.containsKey(path)) {
                if (underState(path, state)) {
                    untouched.add(path);
                } else {
                    remove.add(path);
                }
            }
        }

        SortedMap<String, String> linksBefore = wantsLinks(from);
        SortedMap<String, String> linksAfter = wantsLinks(to);
        SortedMap<String, String> linksToAdd = new TreeMap<>();
        linksAfter.forEach((link, unit) -> {
            if (!unit.equals(linksBefore.get(link))) {
                linksToAdd.put(link, unit);
            }
        });
        SortedSet<String> linksToRemove = new TreeSet<>(linksBefore.keySet());
        linksToRemove.removeAll(linksAfter.keySet());

        Set<String> changedPaths = new TreeSet<>(write.keySet());
        changedPaths.addAll(remove);
        // the ruleset is reloaded on its own (firewallChanged), not by restarting nftables.service
        changedPaths.remove(RecipeApplier.NFTABLES_FILE);
        SortedSet<String> start = new TreeSet<>();
        // a unit other units are ordered after (After=) restarts first: sops-install-secrets.service installs the
        // new secrets before the units that read them restart
        Set<String> orderedFirst = afterTargets(to);
        SortedSet<String> restart = new TreeSet<>(java.util.Comparator.comparing((String u) -> !orderedFirst.contains(u))
                .thenComparing(java.util.Comparator.naturalOrder()));
        SortedSet<String> reload = new TreeSet<>();
        SortedSet<String> stop = new TreeSet<>();
        SortedSet<String> unchanged = new TreeSet<>();
        for (UnitEntry unit : to.units().values()) {
            UnitEntry old = from.units().get(unit.name());
            if (old == null) {
                if (unit.wantedBy() != null && !unit.wantedBy().isEmpty()) {
                    start.add(unit.name());
                }
            } else if (!Objects.equals(old.content(), unit.content())
                    || changedPaths.stream().anyMatch(p -> belongsTo(p, unit))) {
                (unit.reloadable() ? reload : restart).add(unit.name());
            } else {
                unchanged.add(unit.name());
            }
        }
        for (String name : from.units().keySet()) {
            if (!to.units().containsKey(name)) {
                stop.add(name);
            }
        }

        List<GroupEntry> groups = new ArrayList<>();
        to.groups().forEach((name, g) -> {
            if (!g.equals(from.groups().get(name))) {
                groups.add(g);
            }
        });
        List<UserEntry> users = new ArrayList<>();
        to.users().forEach((name, u) -> {
            if (!u.equals(from.users().get(name))) {
                users.add(u);
            }
        });

        SortedSet<String> added = new TreeSet<>(to.packages());
        added.removeAll(from.packages());
        SortedSet<String> removed = new TreeSet<>(from.packages());
        removed.removeAll(to.packages());

        return new SwitchPlan(write, remove, linksToAdd, linksToRemove, groups, users, start, restart, reload, stop,
                unchanged, !Objects.equals(from.nftables(), to.nftables()),
                !Objects.equals(from.sysctls(), to.sysctls()), added, removed, untouched);
    }

    /** Whether the plan changes nothing on the guest and acts on no unit. */
    public boolean isEmpty() {
        return write.isEmpty() && remove.isEmpty() && linksToAdd.isEmpty() && linksToRemove.isEmpty()
                && groups.isEmpty() && users.isEmpty() && start.isEmpty() && restart.isEmpty() && reload.isEmpty()
                && stop.isEmpty() && !firewallChanged && !sysctlsChanged && packagesAdded.isEmpty()
                && packagesRemoved.isEmpty();
    }

    /**
     * Whether the plan changes the package set: the switch then also applies the difference between the two base
     * layers ({@link BaseLayerDelta}), see {@link GenerationHistory}.
     */
    public boolean changesPackages() {
        return !packagesAdded.isEmpty() || !packagesRemoved.isEmpty();
    }

    /**
     * Every regular file a recipe puts into an image, by path: its files, the unit files it writes, the firewall
     * ruleset, the sysctl and modules-load files.
     *
     * @param recipe a recipe
     * @return path to file entry
     */
    public static SortedMap<String, FileEntry> managedFiles(Recipe recipe) {
        SortedMap<String, FileEntry> files = new TreeMap<>(recipe.files());
        for (UnitEntry unit : recipe.units().values()) {
            if (unit.content() != null) {
                String path = RecipeApplier.UNIT_DIR + "/" + unit.name();
                files.put(path, new FileEntry(path, unit.content(), "0644", "root", "root"));
            }
        }
        if (recipe.nftables() != null && !recipe.nftables().isBlank()) {
            files.put(RecipeApplier.NFTABLES_FILE, new FileEntry(RecipeApplier.NFTABLES_FILE,
                    RecipeApplier.nftablesText(recipe.nftables()), "0755", "root", "root"));
        }
        if (recipe.sysctls() != null && !recipe.sysctls().isEmpty()) {
            files.put(RecipeApplier.SYSCTL_FILE, new FileEntry(RecipeApplier.SYSCTL_FILE,
                    RecipeApplier.sysctlText(recipe.sysctls()), "0644", "root", "root"));
        }
        if (recipe.kernelModules() != null && !recipe.kernelModules().isEmpty()) {
            StringBuilder sb = new StringBuilder("# written by hostspec from boot.kernelModules\n");
            recipe.kernelModules().forEach(m -> sb.append(m).append('\n'));
            files.put(RecipeApplier.MODULES_FILE, new FileEntry(RecipeApplier.MODULES_FILE, sb.toString(), "0644",
                    "root", "root"));
        }
        return files;
    }

    /**
     * The {@code .wants} links a recipe enables units with: link path to unit name.
     *
     * @param recipe a recipe
     * @return link path to the unit it points at
     */
    public static SortedMap<String, String> wantsLinks(Recipe recipe) {
        SortedMap<String, String> links = new TreeMap<>();
        for (UnitEntry unit : recipe.units().values()) {
            for (String target : unit.wantedBy() == null ? Set.<String>of() : unit.wantedBy()) {
                links.put(RecipeApplier.UNIT_DIR + "/" + target + ".wants/" + unit.name(), unit.name());
            }
        }
        if (recipe.nftables() != null && !recipe.nftables().isBlank()) {
            links.put(RecipeApplier.UNIT_DIR + "/sysinit.target.wants/nftables.service", "nftables.service");
        }
        return links;
    }

    private static Set<String> afterTargets(Recipe to) {
        Set<String> out = new TreeSet<>();
        for (UnitEntry u : to.units().values()) {
            if (u.content() != null) {
                for (String line : u.content().split("\n")) {
                    if (line.startsWith("After=")) {
                        out.addAll(List.of(line.substring("After=".length()).trim().split("\\s+")));
                    }
                }
            }
        }
        return out;
    }

    /**
     * Whether a file belongs to a unit: the unit file names the path, or a path segment is the unit's base name
     * (optionally followed by a dot and a suffix). The unit's own unit file does not count: its change is a change of
     * the unit itself.
     *
     * @param path a guest path
     * @param unit a unit
     * @return whether a change of the file concerns the unit
     */
    static boolean belongsTo(String path, UnitEntry unit) {
        if (path.equals(RecipeApplier.UNIT_DIR + "/" + unit.name())) {
            return false;
        }
        if (unit.content() != null && unit.content().contains(path)) {
            return true;
        }
        String base = unit.name().contains(".") ? unit.name().substring(0, unit.name().lastIndexOf('.'))
                : unit.name();
        if (base.isEmpty() || base.endsWith("@")) {
            return false;
        }
        for (String segment : path.split("/")) {
            if (segment.equals(base) || segment.startsWith(base + ".")) {
                return true;
            }
        }
        return false;
    }

    private static boolean underState(String path, Set<String> stateDirs) {
        for (String dir : stateDirs) {
            String d = dir.endsWith("/") ? dir.substring(0, dir.length() - 1) : dir;
            if (path.equals(d) || path.startsWith(d + "/")) {
                return true;
            }
        }
        return false;
    }
}
