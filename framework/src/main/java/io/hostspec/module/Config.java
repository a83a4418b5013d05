package io.hostspec.module;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * The evaluated configuration of one host. Every value is computed once, lazily; the configuration was fully
 * evaluated and found free of errors when it was returned by {@link ModuleSystem#evaluate}, so reads only fail for
 * options that are used but not defined. Paths are written as in Nix ({@code a.b."c.d".e}); realizers that build paths
 * with names use the {@code List} forms or {@link #scope}.
 */
public final class Config {

    private final Evaluation evaluation;
    private final List<Module> modules;
    private final java.util.Set<String> hostFeatures;

    Config(Evaluation evaluation, List<Module> modules, java.util.Set<String> hostFeatures) {
        this.evaluation = evaluation;
        this.modules = List.copyOf(modules);
        this.hostFeatures = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(hostFeatures));
    }

    /** The host's features (the NixOS {@code hostFeatures} specialArg), sorted; empty for a host without any. */
    public java.util.Set<String> hostFeatures() {
        return hostFeatures;
    }

    /** The modules of the import closure, in evaluation order. */
    public List<Module> modules() {
        return modules;
    }

    /** Every declared option, sorted by path. */
    public List<OptionDecl> declarations() {
        return evaluation.tree().declarations();
    }

    /**
     * The final value of an option ({@code Boolean}, {@code Long}, {@code String}, {@code List}, {@code Map}, or null
     * for an unset {@code nullOr}), or the table of a group of options.
     *
     * @throws ConfigException when the option does not exist or is used but not defined
     */
    public synchronized Object get(List<String> path) {
        return evaluation.value(List.copyOf(path), Provenance.builtIn("realization"));
    }

    /** {@link #get(List)} with a written path. */
    public Object get(String path) {
        return get(OptionPath.parse(path));
    }

    /** Whether the option has a value: a definition whose conditions hold, or a default. */
    public synchronized boolean isDefined(List<String> path) {
        return evaluation.isDefined(List.copyOf(path));
    }

    /** {@link #isDefined(List)} with a written path. */
    public boolean isDefined(String path) {
        return isDefined(OptionPath.parse(path));
    }

    /** A bool option. */
    public boolean bool(String path) {
        return (Boolean) get(path);
    }

    /** An int or port option. */
    public long integer(String path) {
        return (Long) get(path);
    }

    /** A string-valued option (str, path, lines, package, enum); null for an unset nullOr. */
    public String str(String path) {
        return (String) get(path);
    }

    /** A list of strings. */
    @SuppressWarnings("unchecked")
    public List<String> strings(String path) {
        return (List<String>) get(path);
    }

    /** The names defined under an attribute set of submodules, e.g. the servers of {@code services.redis.servers}. */
    public synchronized SortedSet<String> names(List<String> path) {
        return evaluation.names(List.copyOf(path));
    }

    /** {@link #names(List)} with a written path. */
    public SortedSet<String> names(String path) {
        return names(OptionPath.parse(path));
    }

    /** A view of one group of options, e.g. {@code scope("services.redis.servers", "xo")}. */
    public Scope scope(String path, String... names) {
        List<String> p = new ArrayList<>(OptionPath.parse(path));
        p.addAll(List.of(names));
        return new Scope(this, List.copyOf(p));
    }

    /** The file:line of the definitions whose values won for an option; empty when only its default applies. */
    public synchronized List<Provenance> definedAt(List<String> path) {
        return evaluation.winners(List.copyOf(path), Provenance.builtIn("realization")).stream()
                .map(Definition::where).toList();
    }

    /** Every option some module defined, with the definitions that won, in path order. */
    public synchronized Map<String, List<Definition>> definedOptions() {
        Map<String, List<Definition>> out = new LinkedHashMap<>();
        evaluation.definedOptions().forEach((k, v) -> out.put(OptionPath.format(k), v));
        return out;
    }

    /**
     * The definitions of options NixOS has but hostspec does not realize, accepted because the host set
     * {@value NixosOptions#POLICY_OPTION} to "warn" (otherwise the evaluation failed): they have no effect on the
     * image. Only those whose conditions hold; in module order; empty when there is none.
     */
    public synchronized List<Definition> unrealized() {
        return evaluation.unrealized();
    }

    /** The whole configuration as nested tables (only options with a value), for JSON output. */
    public synchronized Map<String, Object> toTree() {
        return evaluation.tree(List.of());
    }

    /**
     * A group of options seen from its path: {@code scope.bool("enable")} reads {@code <path>.enable}.
     *
     * @param config the configuration
     * @param path   the group's concrete path
     */
    public record Scope(Config config, List<String> path) {

        /** The concrete path of a sub-option. */
        public List<String> path(String sub) {
            List<String> p = new ArrayList<>(path);
            p.addAll(OptionPath.parse(sub));
            return List.copyOf(p);
        }

        /** The written path of a sub-option, for provenance. */
        public String name(String sub) {
            return OptionPath.format(path(sub));
        }

        /** A sub-option's value. */
        public Object get(String sub) {
            return config.get(path(sub));
        }

        /** A bool sub-option. */
        public boolean bool(String sub) {
            return (Boolean) get(sub);
        }

        /** An int or port sub-option. */
        public long integer(String sub) {
            return (Long) get(sub);
        }

        /** A string sub-option; null for an unset nullOr. */
        public String str(String sub) {
            return (String) get(sub);
        }

        /** A list-of-strings sub-option. */
        @SuppressWarnings("unchecked")
        public List<String> strings(String sub) {
            return (List<String>) get(sub);
        }

        /** A table sub-option. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> table(String sub) {
            return (Map<String, Object>) get(sub);
        }

        /** Whether a sub-option has a value. */
        public boolean isDefined(String sub) {
            return config.isDefined(path(sub));
        }

        /** Names under a submodule set below this scope. */
        public SortedSet<String> names(String sub) {
            return config.names(path(sub));
        }
    }
}
