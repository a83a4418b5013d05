package io.hostspec.lab;

import io.hostspec.host.EvaluatedHost;
import io.hostspec.machine.ExecResult;
import io.hostspec.machine.Machine;
import io.hostspec.machine.Shell;
import io.hostspec.machine.Timeouts;
import io.hostspec.realize.Recipe;
import io.hostspec.report.Coverage;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what an assertion looked at into the artifact ids of its host's recipe and records them in the run's
 * {@link Coverage}: a unit, a file, a port rule and the unit listening on it, a socket's owning unit and the files that
 * configure it, a user and a group, or what a command names. Lookups in the guest are best effort: when one fails, the
 * assertion still counts for what is known.
 */
final class Touches {

    private static final Pattern UNIT = Pattern.compile("[A-Za-z0-9@_.:-]+\\.(service|socket|timer|target|mount|path)");
    private static final Pattern PATH = Pattern.compile("/[A-Za-z0-9_./@+-]+");
    private static final Pattern RUN_AS = Pattern.compile("(?:runuser|sudo)\\s+(?:-\\S+\\s+)*-u\\s+([a-z_][a-z0-9_-]*)");

    private final Coverage coverage;
    private final String host;
    private final EvaluatedHost evaluated;
    private final Machine machine;

    Touches(Coverage coverage, Machine machine, EvaluatedHost evaluated) {
        this.coverage = coverage;
        this.host = machine.name();
        this.evaluated = evaluated;
        this.machine = machine;
        coverage.define(host, evaluated.config().definedOptions());
        coverage.unrealized(host, evaluated.config().unrealized());
    }

    /** A unit assertion: the unit. */
    void unit(String unit) {
        record(List.of("unit:" + unit));
    }

    /** A file assertion: the file. */
    void file(String path) {
        record(List.of("file:" + path));
    }

    /** A user/group assertion: the user and the group. */
    void user(String user, String group) {
        record(List.of("user:" + user, "group:" + group));
    }

    /** A port assertion: the firewall rule and the unit listening on the port, if the guest says which. */
    void port(int port) {
        List<String> ids = new ArrayList<>(List.of("port:tcp/" + port));
        ownerUnits("ss -Htlnp " + Shell.quote("sport = :" + port)).forEach(u -> ids.add("unit:" + u));
        record(ids);
    }

    /** A unix socket assertion: the owning unit and the recipe files that name the socket and that unit uses. */
    void socket(String path) {
        List<String> units = ownerUnits("ss -Hxlp src " + Shell.quote(path));
        List<String> ids = new ArrayList<>();
        units.forEach(u -> ids.add("unit:" + u));
        Recipe recipe = evaluated.recipe();
        recipe.files().values().stream().filter(f -> f.content() != null && f.content().contains(path))
                .filter(f -> units.stream().map(recipe.units()::get).anyMatch(u -> u != null && u.content() != null
                        && u.content().contains(f.path())))
                .forEach(f -> ids.add("file:" + f.path()));
        record(ids);
    }

    /** A command: the units, recipe files and run-as users it names. */
    void command(String command) {
        Recipe recipe = evaluated.recipe();
        Set<String> ids = new LinkedHashSet<>();
        Matcher unit = UNIT.matcher(command);
        while (unit.find()) {
            if (recipe.units().containsKey(unit.group())) {
                ids.add("unit:" + unit.group());
            }
        }
        Matcher path = PATH.matcher(command);
        while (path.find()) {
            if (recipe.files().containsKey(path.group())) {
                ids.add("file:" + path.group());
            }
        }
        Matcher user = RUN_AS.matcher(command);
        while (user.find()) {
            if (recipe.users().containsKey(user.group(1))) {
                ids.add("user:" + user.group(1));
            }
        }
        record(List.copyOf(ids));
    }

    private void record(List<String> ids) {
        coverage.touch(host, evaluated.recipe(), ids);
    }

    /** The units of the processes an {@code ss -p} listing shows, as far as the recipe knows them. */
    private List<String> ownerUnits(String ss) {
        try {
            ExecResult r = machine.execute("for p in $(" + ss + " | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); "
                    + "do ps -o unit= -p $p; done", Timeouts.PROTOCOL_CALL);
            List<String> out = new ArrayList<>();
            for (String line : r.stdout().split("\n")) {
                String u = line.strip();
                if (evaluated.recipe().units().containsKey(u) && !out.contains(u)) {
                    out.add(u);
                }
            }
            return out;
        } catch (RuntimeException e) {
            return List.of();
        }
    }
}
