package io.hostspec.host;

import io.hostspec.module.Config;
import io.hostspec.module.ConfigException;
import io.hostspec.module.Module;
import io.hostspec.module.ModuleSystem;
import io.hostspec.module.Provenance;
import io.hostspec.realize.Realization;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Evaluates and realizes hosts of a project. Results are cached per spec, so a host declared the same way in many
 * scenarios is evaluated once. Thread-safe.
 */
public final class Hosts {

    /**
     * Priority of the scenario's host name: weaker than any module's definition, even a mkDefault (1000), and
     * stronger than the option's default (1500). The NixOS test driver names machines the same way.
     */
    public static final int SCENARIO_NAME_PRIORITY = 1200;

    private final Project project;
    private final Map<HostSpec, EvaluatedHost> cache = new ConcurrentHashMap<>();

    /** Hosts of a project. */
    public Hosts(Project project) {
        this.project = project;
    }

    /** The project. */
    public Project project() {
        return project;
    }

    /**
     * The spec of a host named on the command line: {@code xoa} or {@code hosts/xoa} (a host under vm-images/hosts),
     * a module name, or a path to a .toml file.
     *
     * @throws ConfigException when nothing of that name exists
     */
    public HostSpec resolve(String host) {
        Provenance where = new Provenance("<command line>", 0);
        if (host.endsWith(".toml") || host.endsWith(".nix")) {
            Path p = Path.of(host).toAbsolutePath().normalize();
            if (!Files.isRegularFile(p) && Files.isRegularFile(project.root().resolve("vm-images").resolve(host))) {
                p = project.root().resolve("vm-images").resolve(host); // hosts/xoa.nix names vm-images/hosts/xoa.nix
            }
            String name = p.getFileName().toString().replaceFirst("\\.(toml|nix)$", "");
            return HostSpec.named(name).withModule(p.toString(), where);
        }
        String name = host.startsWith("hosts/") ? host.substring("hosts/".length()) : host;
        if (!host.contains("/") && (Files.isRegularFile(project.root().resolve("vm-images/hosts/" + host + ".toml"))
                || Files.isRegularFile(project.root().resolve("vm-images/hosts/" + host + ".nix")))) {
            return HostSpec.named(name).withModule("hosts/" + host, where);
        }
        return HostSpec.named(name.contains("/") ? name.substring(name.lastIndexOf('/') + 1) : name)
                .withModule(host, where);
    }

    /**
     * Evaluates and realizes a host.
     *
     * @throws ConfigException with every problem, each naming file:line
     */
    public EvaluatedHost evaluate(HostSpec spec) {
        return cache.computeIfAbsent(spec, s -> {
            Config config = configure(s);
            return new EvaluatedHost(s, config, Realization.realize(config));
        });
    }

    /**
     * Evaluates a host's modules without realizing them (nothing is built or booted).
     *
     * @throws ConfigException with every problem, each naming file:line
     */
    public Config configure(HostSpec spec) {
        EvaluatedHost cached = cache.get(spec);
        if (cached != null) {
            return cached.config();
        }
        ModuleSystem plain = ModuleSystem.create(project.root(), project.modulePaths(), Realization.builtIns());
        // hostFeatures are the host's specialArg: known before any module that reads them is read, so the root
        // modules that give some (TOML host files, docstrings) are read once to find them, then every module is read
        // again by a module system that gives them.
        List<String> features = new ArrayList<>(spec.features());
        for (Module m : roots(plain, spec, new ArrayList<>())) {
            m.hostFeatures().forEach(f -> {
                if (!features.contains(f.name())) {
                    features.add(f.name());
                }
            });
        }
        ModuleSystem modules = features.isEmpty() ? plain : plain.withHostFeatures(features);
        List<ConfigException> problems = new ArrayList<>();
        List<Module> roots = roots(modules, spec, problems);
        if (!problems.isEmpty()) {
            throw new ConfigException(problems.stream().flatMap(p -> p.errors().stream()).toList());
        }
        return modules.evaluate(roots);
    }

    private static List<Module> roots(ModuleSystem modules, HostSpec spec, List<ConfigException> problems) {
        List<Module> roots = new ArrayList<>();
        roots.add(modules.parse("<scenario host " + spec.name() + ">", "<host \"" + spec.name() + "\">",
                "[[config]]\npriority = " + SCENARIO_NAME_PRIORITY + "\n\"networking.hostName\" = \""
                        + spec.name() + "\"\n", 0));
        for (HostSpec.Source s : spec.modules()) {
            try {
                if (s instanceof HostSpec.Source.Named n) {
                    roots.add(modules.load(n.name(), n.where()));
                } else if (s instanceof HostSpec.Source.Inline i) {
                    roots.add(modules.parse(i.file() + ":" + (i.lineOffset() + 1), i.file(), i.text(),
                            i.lineOffset(), i.contentType()));
                }
            } catch (ConfigException e) {
                problems.add(e);
            }
        }
        return roots;
    }
}
