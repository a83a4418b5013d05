package io.hostspec.module;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads modules by name from a search path and evaluates hosts with the semantics of the NixOS module system: the
 * import closure (de-duplicated, cycles tolerated), declarations of the built-in namespace plus every module's own,
 * definitions with priorities, conditions, list order and references, all errors collected before anything is built.
 */
public final class ModuleSystem {

    private final Path projectRoot;
    private final List<Path> modulePath;
    private final List<OptionDecl> builtIns;
    private final Map<Path, Module> parsed = new HashMap<>();
    private final List<ModuleFormat> formats = new ArrayList<>();
    private final Set<String> hostFeatures;
    private final boolean hostNamespace;

    private ModuleSystem(Path projectRoot, List<Path> modulePath, List<OptionDecl> builtIns,
                         Set<String> hostFeatures, boolean hostNamespace) {
        this.projectRoot = projectRoot.toAbsolutePath().normalize();
        this.modulePath = List.copyOf(modulePath);
        this.builtIns = List.copyOf(builtIns);
        this.hostFeatures = java.util.Collections.unmodifiableSet(new java.util.TreeSet<>(hostFeatures));
        this.hostNamespace = hostNamespace;
        java.util.ServiceLoader.load(ModuleFormat.class).forEach(f -> {
            f.hostFeatures(List.copyOf(this.hostFeatures));
            formats.add(f);
        });
    }

    /**
     * The same module system for a host with these features (the NixOS {@code hostFeatures} specialArg): every module
     * it reads sees them (.nix modules as the {@code hostFeatures} argument), and imports and blocks that depend on a
     * feature apply only when the host has it. Nothing read before is reused.
     */
    public ModuleSystem withHostFeatures(java.util.Collection<String> features) {
        return new ModuleSystem(projectRoot, modulePath, builtIns, new java.util.TreeSet<>(features), hostNamespace);
    }

    /** The host features modules see, sorted. */
    public Set<String> hostFeatures() {
        return hostFeatures;
    }

    /** The suffixes of module files: .toml first, then the other formats'. */
    private List<String> suffixes() {
        List<String> out = new ArrayList<>(List.of(".toml"));
        formats.forEach(f -> out.add(f.suffix()));
        return out;
    }

    private String suffixOf(String name) {
        for (String s : suffixes()) {
            if (name.endsWith(s)) {
                return s;
            }
        }
        return null;
    }

    /**
     * A module system.
     *
     * @param projectRoot the folder file names in messages are relative to; its vm-images/modules is searched last
     *                    and its vm-images/ resolves names such as {@code hosts/xoa}
     * @param extraPaths  module folders searched before vm-images/modules (the CLI's --module-path)
     * @param builtIns    the built-in namespace (the realizers' declarations)
     */
    public static ModuleSystem create(Path projectRoot, List<Path> extraPaths, List<OptionDecl> builtIns) {
        List<Path> search = new ArrayList<>(extraPaths);
        search.add(projectRoot.resolve("vm-images/modules"));
        search.add(projectRoot.resolve("vm-images"));
        return new ModuleSystem(projectRoot, search, builtIns, Set.of(), true);
    }

    /**
     * A module system that knows only the options its modules declare, as nixpkgs' {@code lib.evalModules} does:
     * no built-in namespace, no {@link #ownOptions()}, and every undeclared option is unknown (NixOS's own options
     * included).
     *
     * @param projectRoot the folder file names in messages are relative to; its vm-images/modules is searched
     */
    public static ModuleSystem bare(Path projectRoot) {
        return new ModuleSystem(projectRoot, List.of(projectRoot.resolve("vm-images/modules"),
                projectRoot.resolve("vm-images")), List.of(), Set.of(), false);
    }

    /** The folders searched for modules, in order. */
    public List<Path> modulePath() {
        return modulePath;
    }

    /**
     * Loads a module by name ({@code xo/xoa}, {@code hosts/xoa}) or by the path of a .toml file.
     *
     * @param importedFrom where it is named, for the error when it does not exist
     * @throws ConfigException when it does not exist or does not parse
     */
    public Module load(String name, Provenance importedFrom) {
        Path file = resolve(name);
        if (file == null) {
            throw new ConfigException(missing(name, importedFrom));
        }
        return loadFile(file, moduleName(name, file));
    }

    /** Parses TOML module text that does not live in a file of its own, e.g. a Gherkin docstring. */
    public Module parse(String name, String file, String text, int lineOffset) {
        return ModuleLoader.parse(name, file, text, lineOffset);
    }

    /**
     * Parses module text that does not live in a file of its own, in the format its content type names: {@code toml}
     * (or none) or {@code nix}.
     *
     * @param file       the file it is written in, relative to the project root (or absolute)
     * @param lineOffset the line of that file just above the text's first line
     * @throws ConfigException when it does not parse, or for an unknown content type
     */
    public Module parse(String name, String file, String text, int lineOffset, String contentType) {
        if (contentType == null || contentType.isBlank() || contentType.equals("toml")) {
            return parse(name, file, text, lineOffset);
        }
        for (ModuleFormat f : formats) {
            if (f.suffix().equals("." + contentType)) {
                return f.readText(name, file, text, lineOffset, projectRoot.resolve(file));
            }
        }
        Provenance at = new Provenance(file, lineOffset);
        throw new ConfigException(new ConfigError(ConfigError.Kind.SYNTAX, at + ": unknown content type `"
                + contentType + "' of a module written inline; write toml (the default) or " + formats.stream()
                .map(f -> f.suffix().substring(1)).collect(Collectors.joining(" or ")), List.of(at)));
    }

    /**
     * Evaluates a host made of the given root modules (in order) and everything they import.
     *
     * @throws ConfigException with every error found: syntax, missing modules, undeclared options, types, conflicts,
     *                         cycles
     */
    public Config evaluate(List<Module> roots) {
        return evaluate(roots, config -> { });
    }

    /**
     * {@link #evaluate(List)}, telling a caller the configuration as soon as it exists (before any value is computed),
     * for front ends whose definitions read other options.
     */
    public Config evaluate(List<Module> roots, java.util.function.Consumer<Config> starting) {
        List<ConfigError> errors = new ArrayList<>();
        Set<String> features = new java.util.TreeSet<>(hostFeatures);
        features.addAll(hostFeaturesOf(roots));
        List<Module> closure = closure(roots, features, errors);
        for (Module m : closure) {
            if (!roots.contains(m)) {
                for (Module.Feature f : m.hostFeatures()) {
                    errors.add(new ConfigError(ConfigError.Kind.SYNTAX, f.where() + ": `hostFeatures' is given to a "
                            + "host (by its host file, a docstring or the step `Given a host \"h\" with the features "
                            + "\"...\"'), not by the imported module `" + m.name() + "': imports depend on it",
                            List.of(f.where())));
                }
            }
        }
        OptionTree tree = new OptionTree();
        for (OptionDecl d : builtIns) {
            add(errors, tree.declare(d));
        }
        for (OptionDecl d : hostNamespace ? ownOptions() : List.<OptionDecl>of()) {
            add(errors, tree.declare(d));
        }
        for (Module m : closure) {
            for (OptionDecl d : m.declarations()) {
                add(errors, tree.declare(withDefaults(d)));
            }
        }
        Evaluation evaluation = new Evaluation(tree, hostNamespace);
        for (Module m : closure) {
            for (Module.Block b : m.blocks()) {
                if (features.containsAll(b.features())) {
                    evaluation.addBlock(m, b);
                }
            }
        }
        evaluation.expandRepeated();
        Config config = new Config(evaluation, closure, features);
        formats.forEach(f -> f.evaluating(config));
        starting.accept(config);
        evaluation.evaluateAll();
        errors.addAll(evaluation.errors());
        add(errors, evaluation.unrealizedError());
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return config;
    }

    /**
     * The host features the root modules give ({@code hostFeatures = [...]} in a host file or docstring), in order,
     * without repeats.
     */
    public static List<String> hostFeaturesOf(List<Module> roots) {
        Set<String> out = new LinkedHashSet<>();
        roots.forEach(m -> m.hostFeatures().forEach(f -> out.add(f.name())));
        return List.copyOf(out);
    }

    /**
     * The options of the module system itself, declared for every host besides the built-ins:
     * {@value NixosOptions#POLICY_OPTION}.
     */
    public static List<OptionDecl> ownOptions() {
        return List.of(OptionDecl.of(NixosOptions.POLICY_OPTION, Types.enumOf(List.of("error", "warn")), "error",
                "What a definition of an option NixOS has but hostspec does not realize (boot.loader.*, "
                        + "hardware.*, programs.* ...) does: \"error\" rejects the host, listing every such "
                        + "definition; \"warn\" accepts it, has no effect on the image, and the coverage report "
                        + "lists it.", Provenance.builtIn("module system")));
    }

    /** Every module name found on the search path, sorted. */
    public Set<String> availableModules() {
        Set<String> out = new TreeSet<>();
        for (Path dir : modulePath) {
            if (!Files.isDirectory(dir)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(dir)) {
                s.forEach(p -> {
                    String rel = dir.relativize(p).toString();
                    String suffix = suffixOf(rel);
                    if (suffix != null) {
                        out.add(rel.substring(0, rel.length() - suffix.length()));
                    }
                });
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static OptionDecl withDefaults(OptionDecl d) {
        if (!d.hasDefault() && d.type().name().startsWith("nullOr ")) {
            return OptionDecl.of(d.path(), d.type(), null, d.description(), d.declaredAt());
        }
        return d;
    }

    private static void add(List<ConfigError> errors, ConfigError e) {
        if (e != null) {
            errors.add(e);
        }
    }

    private List<Module> closure(List<Module> roots, Set<String> features, List<ConfigError> errors) {
        Map<String, Module> seen = new LinkedHashMap<>();
        for (Module root : roots) {
            visit(root, features, seen, errors);
        }
        return List.copyOf(seen.values());
    }

    private void visit(Module m, Set<String> features, Map<String, Module> seen, List<ConfigError> errors) {
        String key = m.file() + "#" + m.name();
        if (seen.containsKey(key)) {
            return; // de-duplicated; a cycle ends here too
        }
        seen.put(key, m);
        for (Module.Import imp : m.imports()) {
            if (imp.feature() != null && !features.contains(imp.feature())) {
                continue; // an import for a feature this host does not have
            }
            Module child;
            try {
                Path file = resolveFrom(imp.name(), m.file());
                if (file == null) {
                    errors.add(missing(imp.name(), imp.where()));
                    continue;
                }
                child = loadFile(file, moduleName(imp.name(), file));
            } catch (ConfigException e) {
                errors.addAll(e.errors());
                continue;
            }
            visit(child, features, seen, errors);
        }
    }

    private Module loadFile(Path file, String name) {
        Path abs = file.toAbsolutePath().normalize();
        Module cached = parsed.get(abs);
        if (cached != null) {
            return cached;
        }
        String text;
        try {
            text = Files.readString(abs);
        } catch (IOException e) {
            throw new ConfigException(new ConfigError(ConfigError.Kind.MISSING_MODULE, "cannot read module "
                    + display(abs) + ": " + e.getMessage(), List.of(new Provenance(display(abs), 0))));
        }
        Module m = null;
        for (ModuleFormat f : formats) {
            if (abs.toString().endsWith(f.suffix())) {
                m = f.read(name, display(abs), abs);
            }
        }
        if (m == null) {
            m = ModuleLoader.parse(name, display(abs), text, 0);
        }
        parsed.put(abs, m);
        return m;
    }

    private Path resolveFrom(String name, String importerFile) {
        if (suffixOf(name) != null && !name.startsWith("/")) {
            Path rel = projectRoot.resolve(importerFile).getParent().resolve(name).normalize();
            if (Files.isRegularFile(rel)) {
                return rel;
            }
        }
        return resolve(name);
    }

    private Path resolve(String name) {
        if (suffixOf(name) != null) {
            Path p = Path.of(name);
            Path abs = p.isAbsolute() ? p : projectRoot.resolve(p);
            return Files.isRegularFile(abs) ? abs : null;
        }
        for (Path dir : modulePath) {
            for (String suffix : suffixes()) {
                Path candidate = dir.resolve(name + suffix);
                if (Files.isRegularFile(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private String moduleName(String name, Path file) {
        String suffix = suffixOf(name);
        if (suffix == null) {
            return name;
        }
        Path abs = file.toAbsolutePath().normalize();
        for (Path dir : modulePath) {
            Path d = dir.toAbsolutePath().normalize();
            if (abs.startsWith(d)) {
                String rel = d.relativize(abs).toString();
                return rel.substring(0, rel.length() - suffix.length());
            }
        }
        return display(abs);
    }

    private ConfigError missing(String name, Provenance where) {
        List<String> close = availableModules().stream()
                .filter(a -> OptionTree.levenshtein(a, name) <= Math.max(2, name.length() / 4))
                .limit(3).toList();
        String searched = modulePath.stream().map(d -> display(d.resolve(name + ".toml")))
                .collect(Collectors.joining(", "));
        return new ConfigError(ConfigError.Kind.MISSING_MODULE, "The module `" + name + "' imported at " + where
                + " does not exist (searched " + searched + ")."
                + (close.isEmpty() ? "" : " Did you mean " + close.stream().map(c -> "`" + c + "'")
                .collect(Collectors.joining(" or ")) + "?"), List.of(where));
    }

    /** A file name relative to the project root where it lies inside it. */
    public String display(Path file) {
        Path abs = file.toAbsolutePath().normalize();
        return abs.startsWith(projectRoot) ? projectRoot.relativize(abs).toString() : abs.toString();
    }

    /** The names of modules a host imports directly and transitively, for reports. */
    public static Set<String> names(List<Module> modules) {
        Set<String> out = new LinkedHashSet<>();
        modules.forEach(m -> out.add(m.name()));
        return out;
    }
}
