package io.hostspec.nix;

import io.hostspec.module.Config;
import io.hostspec.module.ConfigError;
import io.hostspec.module.ConfigException;
import io.hostspec.module.Module;
import io.hostspec.module.ModuleFormat;
import io.hostspec.module.Provenance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The .nix module format of hostspec's module system (registered with {@link java.util.ServiceLoader}): one evaluator
 * per module system, so modules share imports and {@code config}. Files are shown relative to the project root.
 */
public final class NixModuleFormat implements ModuleFormat {

    private static final Duration LIMIT = Duration.ofMinutes(5);

    private final ConfigView view = new ConfigView();
    private NixEvaluator nix;
    private NixModules modules;
    private List<String> hostFeatures = List.of();

    /** A format; the evaluator is created on first use. */
    public NixModuleFormat() {
    }

    @Override
    public String suffix() {
        return ".nix";
    }

    @Override
    public Module read(String name, String displayFile, Path file) {
        return convert(name, displayFile, file, () -> nix.evalFile(file));
    }

    @Override
    public Module readText(String name, String displayFile, String text, int lineOffset, Path file) {
        // blank lines above the text make the parser's line numbers those of the file the text is written in
        String placed = "\n".repeat(Math.max(0, lineOffset)) + text;
        return convert(name, displayFile, file, () -> nix.evalText(placed, displayFile,
                file.toAbsolutePath().normalize().getParent()));
    }

    private Module convert(String name, String displayFile, Path file, java.util.function.Supplier<Object> value) {
        try {
            return NixEvaluator.onLargeStack(() -> {
                if (nix == null) {
                    Path cwd = shownFrom(file, displayFile);
                    nix = NixEvaluator.create(cwd, List.of(), System.getenv(),
                            Map.of("hostspecEvalModules", new EvalModulesHook()));
                    modules = new NixModules(view, nix.evalExpr("import <nixpkgs/lib>"),
                            Map.of("hostFeatures", NixList.of(hostFeatures)));
                }
                return modules.convert(value.get(), name, displayFile);
            }, LIMIT);
        } catch (NixException e) {
            Provenance at = new Provenance(e.pos().line() > 0 ? e.pos().file() : displayFile, e.pos().line());
            throw new ConfigException(new ConfigError(ConfigError.Kind.SYNTAX, "error while reading the module "
                    + displayFile + ": " + e.getMessage(), List.of(at)));
        }
    }

    /** The folder file names are shown relative to: the module system's project root. */
    private static Path shownFrom(Path file, String displayFile) {
        Path abs = file.toAbsolutePath().normalize();
        Path shown = Path.of(displayFile);
        if (!shown.isAbsolute() && abs.endsWith(shown)) {
            Path root = abs.getRoot();
            for (int k = 0; k < abs.getNameCount() - shown.getNameCount(); k++) {
                root = root.resolve(abs.getName(k));
            }
            return root;
        }
        String root = System.getProperty("hostspec.root");
        return root == null || root.isBlank() ? Path.of("").toAbsolutePath() : Path.of(root);
    }

    @Override
    public void hostFeatures(List<String> features) {
        this.hostFeatures = List.copyOf(features);
    }

    @Override
    public void evaluating(Config config) {
        view.bind(config);
    }
}
