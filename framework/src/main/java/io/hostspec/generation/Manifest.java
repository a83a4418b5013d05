package io.hostspec.generation;

import io.hostspec.image.internal.Accounts;
import io.hostspec.machine.ExecResult;
import io.hostspec.machine.Machine;
import io.hostspec.machine.Shell;
import io.hostspec.machine.Timeouts;
import io.hostspec.realize.Recipe;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The managed state of a running guest, as one command collects it through the guest agent: for every file and
 * {@code .wants} link the recipes manage, its type, mode, owner and content hash (or that it is absent); the declared
 * users and groups with their ids, primary groups, memberships, homes and shells; the recipes' units, enabled and
 * active; the loaded nftables ruleset; the declared kernel parameters. Two guests that should be the same system (a
 * host switched from A to B, and a fresh boot of B) have equal manifests over the same {@link Scope}.
 *
 * <p>{@link #command(Scope)} renders the collecting shell and {@link #parse(String)} reads its output, here, one
 * protocol: one line per fact, {@code KIND TAB KEY TAB VALUE}.
 *
 * @param facts every fact, by {@code KIND KEY} (e.g. {@code file /etc/nftables.conf}), sorted
 */
public record Manifest(SortedMap<String, String> facts) {

    /** A manifest; facts are copied and unmodifiable. */
    public Manifest {
        facts = Collections.unmodifiableSortedMap(new TreeMap<>(facts));
    }

    /**
     * What a manifest covers: the union of what the compared recipes manage, so that a file only the old generation
     * had is checked to be gone.
     *
     * @param paths   managed files and links
     * @param users   declared users
     * @param groups  declared groups (and users' primary groups)
     * @param units   the recipes' units
     * @param sysctls declared kernel parameters
     */
    public record Scope(SortedSet<String> paths, SortedSet<String> users, SortedSet<String> groups,
                        SortedSet<String> units, SortedSet<String> sysctls) {

        /**
         * The scope of some recipes: everything any of them manages.
         *
         * @param recipes the recipes
         * @return the union
         */
        public static Scope of(Recipe... recipes) {
            SortedSet<String> paths = new TreeSet<>();
            SortedSet<String> users = new TreeSet<>();
            SortedSet<String> groups = new TreeSet<>();
            SortedSet<String> units = new TreeSet<>();
            SortedSet<String> sysctls = new TreeSet<>();
            for (Recipe r : recipes) {
                paths.addAll(SwitchPlan.managedFiles(r).keySet());
                paths.addAll(SwitchPlan.wantsLinks(r).keySet());
                users.addAll(r.users().keySet());
                groups.addAll(r.groups().keySet());
                r.users().values().forEach(u -> groups.add(Accounts.primaryGroup(u)));
                units.addAll(r.units().keySet());
                sysctls.addAll(r.sysctls().keySet());
            }
            return new Scope(paths, users, groups, units, sysctls);
        }
    }

    /**
     * The shell that prints the manifest of a scope.
     *
     * @param scope what to cover
     * @return one POSIX shell script
     */
    public static String command(Scope scope) {
        StringBuilder s = new StringBuilder("set -u\n");
        s.append("t=$(printf '\\t')\n");
        for (String p : scope.paths()) {
            String q = Shell.quote(p);
            s.append("if [ -L ").append(q).append(" ]; then echo \"file$t\"").append(q)
                    .append("\"${t}link $(readlink ").append(q).append(")\"; elif [ -f ").append(q)
                    .append(" ]; then echo \"file$t\"").append(q).append("\"${t}$(stat -c '%a %U:%G' ").append(q)
                    .append(") $(sha256sum < ").append(q).append(" | cut -d' ' -f1)\"; else echo \"file$t\"")
                    .append(q).append("\"${t}absent\"; fi\n");
        }
        for (String u : scope.users()) {
            String q = Shell.quote(u);
            // uid, primary group by name, home, shell; then every group the user is a member of
            s.append("if e=$(getent passwd ").append(q).append("); then echo \"user$t\"").append(q)
                    .append("\"$t$(echo \"$e\" | cut -d: -f3) $(id -gn ").append(q)
                    .append(") $(echo \"$e\" | cut -d: -f6) $(echo \"$e\" | cut -d: -f7) groups=$(id -Gn ")
                    .append(q).append(" | tr ' ' '\\n' | sort | tr '\\n' ',')\"; else echo \"user$t\"").append(q)
                    .append("\"${t}absent\"; fi\n");
        }
        for (String g : scope.groups()) {
            String q = Shell.quote(g);
            s.append("if e=$(getent group ").append(q).append("); then echo \"group$t\"").append(q)
                    .append("\"$t$(echo \"$e\" | cut -d: -f3)\"; else echo \"group$t\"").append(q)
                    .append("\"${t}absent\"; fi\n");
        }
        for (String unit : scope.units()) {
            String q = Shell.quote(unit);
            s.append("echo \"unit$t\"").append(q).append("\"$t$(systemctl show -p UnitFileState,ActiveState --value ")
                    .append(q).append(" | tr '\\n' ' ')\"\n");
        }
        s.append("echo \"ruleset$t-$t$(nft list ruleset 2>&1 | base64 -w0)\"\n");
        for (String k : scope.sysctls()) {
            String q = Shell.quote(k);
            s.append("echo \"sysctl$t\"").append(q).append("\"$t$(sysctl -n ").append(q).append(" 2>&1)\"\n");
        }
        return s.toString();
    }

    /**
     * Parses the output of {@link #command(Scope)}.
     *
     * @param output the command's standard output
     * @return the manifest
     * @throws IllegalArgumentException for a line that is not a fact
     */
    public static Manifest parse(String output) {
        SortedMap<String, String> facts = new TreeMap<>();
        for (String line : output.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", 3);
            if (f.length != 3) {
                throw new IllegalArgumentException("not a manifest line: \"" + line + "\"");
            }
            String value = f[0].equals("ruleset")
                    ? new String(Base64.getDecoder().decode(f[2].strip()), StandardCharsets.UTF_8).strip()
                    : f[2].strip();
            facts.put(f[0] + " " + f[1], value);
        }
        return new Manifest(facts);
    }

    /**
     * Collects the manifest of a running machine.
     *
     * @param machine the machine
     * @param scope   what to cover
     * @return its manifest
     * @throws GenerationException when the command fails or prints something else
     */
    public static Manifest of(Machine machine, Scope scope) {
        ExecResult r = machine.execute(command(scope), Timeouts.COMMAND);
        if (!r.succeeded()) {
            throw new GenerationException("[" + machine.name() + "] collecting the manifest exited with "
                    + r.exitCode() + ": " + r.stderr().strip(), null);
        }
        try {
            return parse(r.stdout());
        } catch (IllegalArgumentException e) {
            throw new GenerationException("[" + machine.name() + "] " + e.getMessage(), null);
        }
    }

    /**
     * The differences from another manifest, one line per fact: {@code - KEY: mine} and {@code + KEY: theirs}.
     *
     * @param other the manifest to compare with
     * @return the lines, empty when both are equal
     */
    public List<String> diff(Manifest other) {
        List<String> lines = new ArrayList<>();
        SortedSet<String> keys = new TreeSet<>(facts.keySet());
        keys.addAll(other.facts.keySet());
        for (String k : keys) {
            String mine = facts.get(k);
            String theirs = other.facts.get(k);
            if (mine == null || !mine.equals(theirs)) {
                lines.add("- " + k + ": " + (mine == null ? "(not collected)" : mine.replace("\n", "\n    ")));
                lines.add("+ " + k + ": " + (theirs == null ? "(not collected)" : theirs.replace("\n", "\n    ")));
            }
        }
        return lines;
    }
}
