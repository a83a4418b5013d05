package io.hostspec.report;

import io.hostspec.module.Definition;
import io.hostspec.realize.Recipe;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Collects configuration coverage during a run: the options each host defines ({@link #define}) and the artifacts
 * assertions touched ({@link #touch}), turned into options through the recipe's provenance
 * ({@link Recipe#artifacts()}). One instance per JVM ({@link #current()}), reset when a run starts; thread-safe, so
 * scenarios running in parallel record into it at once.
 */
public final class Coverage {

    private static final Coverage CURRENT = new Coverage();

    private final Map<String, Map<String, CoverageReport.OptionRef>> defined = new TreeMap<>();
    private final Map<String, Set<String>> exercised = new TreeMap<>();
    private final Map<String, Map<String, CoverageReport.OptionRef>> unrealized = new TreeMap<>();

    /** A fresh, empty collector (tests; runs use {@link #current()}). */
    public Coverage() {
    }

    /** The collector of this JVM's run. */
    public static Coverage current() {
        return CURRENT;
    }

    /** Forgets everything, at the start of a run. */
    public synchronized void reset() {
        defined.clear();
        exercised.clear();
        unrealized.clear();
    }

    /**
     * Counts a host's defined options (a host of the same name in several scenarios adds up).
     *
     * @param host    the host's name
     * @param options {@code Config.definedOptions()}: option name to its winning definitions
     */
    public synchronized void define(String host, Map<String, List<Definition>> options) {
        Map<String, CoverageReport.OptionRef> into = defined.computeIfAbsent(host, h -> new TreeMap<>());
        options.forEach((option, defs) -> into.putIfAbsent(option, new CoverageReport.OptionRef(option,
                defs.stream().map(d -> d.where().toString()).distinct().collect(Collectors.joining(", ")),
                defs.stream().map(Definition::module).distinct().sorted().toList())));
    }

    /**
     * Records a host's definitions of options NixOS has but hostspec does not realize, which the host accepted with
     * {@code hostspec.unrealizedOptions = "warn"}: the report lists them apart, they count neither as defined nor as
     * exercised.
     *
     * @param host        the host's name
     * @param definitions {@code Config.unrealized()}
     */
    public synchronized void unrealized(String host, List<Definition> definitions) {
        Map<String, CoverageReport.OptionRef> into = unrealized.computeIfAbsent(host, h -> new TreeMap<>());
        for (Definition d : definitions) {
            into.putIfAbsent(d.optionName() + " " + d.where(), new CoverageReport.OptionRef(d.optionName(),
                    d.where().toString(), List.of(d.module())));
        }
    }

    /**
     * Records that an assertion touched artifacts of a host; ids the recipe does not know are ignored.
     *
     * @param host      the host's name
     * @param recipe    the host's recipe, whose provenance maps artifacts to options
     * @param artifacts artifact ids, e.g. {@code unit:redis-xo.service}, {@code port:tcp/443}
     */
    public synchronized void touch(String host, Recipe recipe, Collection<String> artifacts) {
        Set<String> into = exercised.computeIfAbsent(host, h -> new TreeSet<>());
        for (String artifact : artifacts) {
            into.addAll(recipe.artifacts().getOrDefault(artifact, new TreeSet<>()));
        }
    }

    /** The report of everything recorded so far. */
    public synchronized CoverageReport report() {
        Map<String, List<CoverageReport.OptionRef>> accepted = new TreeMap<>();
        unrealized.forEach((host, refs) -> accepted.put(host, List.copyOf(refs.values())));
        return CoverageReport.of(defined, exercised).withUnrealized(accepted);
    }
}
