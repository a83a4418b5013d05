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

    private ModuleSystem(Path projectRoot, List<Path> modulePath, List<OptionDecl> builtIns) {
        this.projectRoot = projectRoot.toAbsolutePath().normalize();
        this.modulePath = List.copyOf(modulePath);
        this.builtIns = List.copyOf(builtIns);
        java.util.ServiceLoader.load(ModuleFormat.class).forEach(formats::add);
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
        return new ModuleSystem(projectRoot, search, builtIns);
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

    /** Parses module text that does not live in a file of its own, e.g. a Gherkin docstring. */
    public Module parse(String name, String file, String text, int lineOffset) {
        return ModuleLoader.parse(name, file, text, lineOffset);
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
        List<Module> closure = closure(roots, errors);
        OptionTree tree = new OptionTree();
        for (OptionDecl d : builtIns) {
            add(errors, tree.declare(d));
        }
        for (Module m : closure) {
            for (OptionDecl d : m.declarations()) {
                add(errors, tree.declare(withDefaults(d)));
            }
        }
        Evaluation evaluation = new Evaluation(tree);
        for (Module m : closure) {
            for (Module.Block b : m.blocks()) {
                evaluation.addBlock(m, b);
            }
        }
        evaluation.expandRepeated();
        Config config = new Config(evaluation, closure);
        formats.forEach(f -> f.evaluating(config));
        starting.accept(config);
        evaluation.evaluateAll();
        errors.addAll(evaluation.errors());
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return config;
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

    private List<Module> closure(List<Module> roots, List<ConfigError> errors) {
        Map<String, Module> seen = new LinkedHashMap<>();
        for (Module root : roots) {
            visit(root, seen, errors);
        }
        return List.copyOf(seen.values());
    }

    private void visit(Module m, Map<String, Module> seen, List<ConfigError> errors) {
        String key = m.file() + "#" + m.name();
        if (seen.containsKey(key)) {
            return; // de-duplicated; a cycle ends here too
        }
        seen.put(key, m);
        for (Module.Import imp : m.imports()) {
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
            visit(child, seen, errors);
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
