package io.hostspec.module;

import org.tomlj.Toml;
import org.tomlj.TomlArray;
import org.tomlj.TomlParseError;
import org.tomlj.TomlParseResult;
import org.tomlj.TomlPosition;
import org.tomlj.TomlTable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a module from TOML text (docs/modules.md), keeping the line of every key. Reports every syntax problem of the
 * file at once, each with file:line.
 */
public final class ModuleLoader {

    private static final Set<String> TOP_LEVEL = Set.of("description", "imports", "options", "config", "hostFeatures");
    /** What a host feature's name may look like: it is written in lists and steps, so no spaces or commas. */
    static final java.util.regex.Pattern FEATURE_NAME = java.util.regex.Pattern.compile("[A-Za-z][A-Za-z0-9_.-]*");
    private static final Set<String> DECLARATION_KEYS = Set.of("type", "default", "description", "example", "values");

    private final String file;
    private final int lineOffset;
    private final List<ConfigError> errors = new ArrayList<>();

    private ModuleLoader(String file, int lineOffset) {
        this.file = file;
        this.lineOffset = lineOffset;
    }

    /**
     * Parses a module.
     *
     * @param name       the module's name
     * @param file       the file shown in messages
     * @param text       the TOML text
     * @param lineOffset added to every line number (a docstring's text starts below its feature file's first line)
     * @throws ConfigException listing every problem, each with file:line
     */
    public static Module parse(String name, String file, String text, int lineOffset) {
        return new ModuleLoader(file, lineOffset).load(name, text);
    }

    private Module load(String name, String text) {
        TomlParseResult toml = Toml.parse(text);
        if (toml.hasErrors()) {
            for (TomlParseError e : toml.errors()) {
                Provenance at = at(e.position());
                String msg = e.getMessage().replaceFirst(" \\(line \\d+, column \\d+\\)$", "");
                errors.add(new ConfigError(ConfigError.Kind.SYNTAX, at + ": TOML syntax error: " + msg, List.of(at)));
            }
            throw new ConfigException(errors);
        }
        String description = "";
        List<Module.Import> imports = new ArrayList<>();
        List<OptionDecl> declarations = new ArrayList<>();
        List<Module.Block> blocks = new ArrayList<>();
        List<Module.Feature> features = new ArrayList<>();
        Map<String, PValue> topLevel = new LinkedHashMap<>();
        for (String key : toml.keySet()) {
            Object value = toml.get(List.of(key));
            Provenance at = at(toml.inputPositionOf(List.of(key)));
            switch (key) {
                case "description" -> {
                    if (value instanceof String s) {
                        description = s;
                    } else {
                        syntax(at, "`description' must be a string");
                    }
                }
                case "imports" -> readImports(value, at, imports);
                case "hostFeatures" -> readHostFeatures(value, at, features);
                case "options" -> {
                    if (value instanceof TomlTable t) {
                        readDeclarations(t, new ArrayList<>(), declarations);
                    } else {
                        syntax(at, "`options' must be a table of option declarations");
                    }
                }
                case "config" -> readBlocks(value, at, blocks);
                default -> topLevel.put(key, positioned(value, at));
            }
        }
        if (!topLevel.isEmpty()) {
            blocks.add(0, new Module.Block(Definition.PLAIN, 1000, List.of(),
                    new PValue(topLevel, new Provenance(file, 1 + lineOffset))));
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return new Module(name, file, description, List.copyOf(imports), List.copyOf(declarations),
                List.copyOf(blocks), List.copyOf(features));
    }

    private void readHostFeatures(Object value, Provenance at, List<Module.Feature> out) {
        if (!(value instanceof TomlArray array) || !allOf(array, String.class)) {
            syntax(at, "`hostFeatures' must be a list of feature names, e.g. hostFeatures = [\"development\"]");
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            Provenance itemAt = at(array.inputPositionOf(i));
            String feature = array.getString(i);
            if (featureName(feature, itemAt)) {
                out.add(new Module.Feature(feature, itemAt));
            }
        }
    }

    private boolean featureName(Object feature, Provenance at) {
        if (feature instanceof String s && FEATURE_NAME.matcher(s).matches()) {
            return true;
        }
        syntax(at, "a host feature is a name such as \"development\" (letters, digits, '-', '_', '.'), got "
                + Values.toml(feature instanceof String ? feature : String.valueOf(feature)));
        return false;
    }

    private List<String> blockFeatures(Object v, Provenance at) {
        List<String> out = new ArrayList<>();
        if (v instanceof String s) {
            if (featureName(s, at)) {
                out.add(s);
            }
        } else if (v instanceof TomlArray a && a.size() > 0 && allOf(a, String.class)) {
            for (int i = 0; i < a.size(); i++) {
                if (featureName(a.getString(i), at)) {
                    out.add(a.getString(i));
                }
            }
        } else {
            syntax(at, "`feature' must name a host feature, e.g. feature = \"development\" (or a list of them)");
        }
        return out;
    }

    private void readImports(Object value, Provenance at, List<Module.Import> imports) {
        if (!(value instanceof TomlArray array)) {
            syntax(at, "`imports' must be a list of module names, e.g. imports = [\"core/base\"]");
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            Provenance itemAt = at(array.inputPositionOf(i));
            if (array.get(i) instanceof String s && !s.isBlank()) {
                imports.add(new Module.Import(s, itemAt));
            } else if (array.get(i) instanceof TomlTable t && t.get(List.of("module")) instanceof String m
                    && t.get(List.of("feature")) instanceof String f && t.keySet().size() == 2) {
                if (featureName(f, itemAt)) {
                    imports.add(new Module.Import(m, itemAt, f));
                }
            } else {
                syntax(itemAt, "an import must be a module name such as \"core/base\", or a module that depends on"
                        + " a host feature: { module = \"profiles/features/development\", feature = \"development\" }; got "
                        + array.get(i));
            }
        }
    }

    private void readDeclarations(TomlTable table, List<String> prefix, List<OptionDecl> out) {
        for (String key : table.keySet()) {
            Object value = table.get(List.of(key));
            Provenance at = at(table.inputPositionOf(List.of(key)));
            List<String> path = new ArrayList<>(prefix);
            try {
                path.addAll(OptionPath.parse(key));
            } catch (IllegalArgumentException e) {
                syntax(at, e.getMessage());
                continue;
            }
            if (!(value instanceof TomlTable t)) {
                syntax(at, "`" + OptionPath.format(path) + "' under [options] must be a declaration such as "
                        + "{ type = \"bool\", default = false, description = \"...\" }");
                continue;
            }
            if (t.get(List.of("type")) instanceof String) {
                declaration(t, path, at, out);
            } else {
                readDeclarations(t, path, out);
            }
        }
    }

    private void declaration(TomlTable t, List<String> path, Provenance at, List<OptionDecl> out) {
        String name = OptionPath.format(path);
        for (String k : t.keySet()) {
            if (!DECLARATION_KEYS.contains(k)) {
                syntax(at(t.inputPositionOf(List.of(k))), "unknown key `" + k + "' in the declaration of `" + name
                        + "'; a declaration has " + String.join(", ", new java.util.TreeSet<>(DECLARATION_KEYS)));
            }
        }
        Type type;
        try {
            String written = (String) t.get(List.of("type"));
            if ("enum".equals(written) && t.get(List.of("values")) instanceof TomlArray values) {
                List<String> items = new ArrayList<>();
                for (int i = 0; i < values.size(); i++) {
                    items.add(String.valueOf(values.get(i)));
                }
                type = Types.enumOf(items);
            } else {
                type = Types.parse(written);
            }
        } catch (IllegalArgumentException e) {
            syntax(at, "the type of `" + name + "' is wrong: " + e.getMessage());
            return;
        }
        Object description = t.get(List.of("description"));
        String desc = description instanceof String s ? s : "";
        if (t.keySet().contains("default")) {
            Provenance defAt = at(t.inputPositionOf(List.of("default")));
            Object def = positioned(t.get(List.of("default")), defAt).plain();
            out.add(OptionDecl.of(name, type, def, desc, at));
        } else {
            out.add(OptionDecl.of(name, type, desc, at));
        }
    }

    private void readBlocks(Object value, Provenance at, List<Module.Block> blocks) {
        if (!(value instanceof TomlArray array) || !allOf(array, TomlTable.class)) {
            syntax(at, "`config' must be written as [[config]] blocks");
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            TomlTable t = array.getTable(i);
            Provenance blockAt = at(array.inputPositionOf(i));
            int priority = Definition.PLAIN;
            int order = 1000;
            List<Module.WrittenCondition> conditions = new ArrayList<>();
            List<String> features = new ArrayList<>();
            Module.ForEach forEach = null;
            Map<String, PValue> entries = new LinkedHashMap<>();
            for (String key : t.keySet()) {
                Object v = t.get(List.of(key));
                Provenance keyAt = at(t.inputPositionOf(List.of(key)));
                switch (key) {
                    case "if" -> conditions(v, keyAt, conditions);
                    case "feature" -> features.addAll(blockFeatures(v, keyAt));
                    case "priority" -> priority = priority(v, keyAt);
                    case "order" -> order = order(v, keyAt);
                    case "for" -> forEach = forEach(v, keyAt);
                    default -> entries.put(key, positioned(v, keyAt));
                }
            }
            blocks.add(new Module.Block(priority, order, List.copyOf(conditions), new PValue(entries, blockAt),
                    List.copyOf(features), forEach));
        }
    }

    private void conditions(Object v, Provenance at, List<Module.WrittenCondition> out) {
        if (v instanceof String s) {
            out.add(new Module.WrittenCondition(s, at));
        } else if (v instanceof TomlArray a && a.size() > 0 && allOf(a, String.class)) {
            for (int i = 0; i < a.size(); i++) {
                out.add(new Module.WrittenCondition(a.getString(i), at));
            }
        } else {
            syntax(at, "`if' must name a bool option, e.g. if = \"nixoa.xo.enable\" (or a list of them)");
        }
    }

    private Module.ForEach forEach(Object v, Provenance at) {
        String usage = "`for' names a set of named entries and a placeholder for the name, e.g. "
                + "for = \"mySystem.services.<app>\"";
        if (!(v instanceof String s)) {
            syntax(at, usage);
            return null;
        }
        List<String> path;
        try {
            path = OptionPath.parse(s);
        } catch (IllegalArgumentException e) {
            syntax(at, usage + ": " + e.getMessage());
            return null;
        }
        String last = path.get(path.size() - 1);
        if (path.size() < 2 || !last.matches("<[A-Za-z_][A-Za-z0-9_-]*>")) {
            syntax(at, usage + "; got \"" + s + "\"");
            return null;
        }
        return new Module.ForEach(List.copyOf(path.subList(0, path.size() - 1)), last, at);
    }

    private int priority(Object v, Provenance at) {
        if (v instanceof Long l) {
            return l.intValue();
        }
        if (v instanceof String s) {
            switch (s) {
                case "default":
                    return Definition.DEFAULT;
                case "force":
                    return Definition.FORCE;
                case "plain":
                    return Definition.PLAIN;
                default:
                    break;
            }
        }
        syntax(at, "`priority' must be \"default\" (mkDefault, 1000), \"force\" (mkForce, 50), \"plain\" (100) or a "
                + "number; got " + Values.toml(v instanceof TomlArray || v instanceof TomlTable ? "?" : v));
        return Definition.PLAIN;
    }

    private int order(Object v, Provenance at) {
        if ("before".equals(v)) {
            return 500;
        }
        if ("after".equals(v)) {
            return 1500;
        }
        if ("default".equals(v)) {
            return 1000;
        }
        if (v instanceof Long l) {
            return l.intValue();
        }
        syntax(at, "`order' must be \"before\" (mkBefore), \"after\" (mkAfter) or a number");
        return 1000;
    }

    private PValue positioned(Object value, Provenance at) {
        if (value instanceof TomlTable t) {
            Map<String, PValue> m = new LinkedHashMap<>();
            for (String k : t.keySet()) {
                m.put(k, positioned(t.get(List.of(k)), at(t.inputPositionOf(List.of(k)))));
            }
            return new PValue(m, at);
        }
        if (value instanceof TomlArray a) {
            List<PValue> l = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                TomlPosition p = a.inputPositionOf(i);
                l.add(positioned(a.get(i), p == null ? at : at(p)));
            }
            return new PValue(l, at);
        }
        if (value instanceof String || value instanceof Long || value instanceof Boolean) {
            return new PValue(value, at);
        }
        syntax(at, "values of type " + value.getClass().getSimpleName()
                + " are not supported; use strings, integers, booleans, lists and tables");
        return new PValue(String.valueOf(value), at);
    }

    private static boolean allOf(TomlArray a, Class<?> kind) {
        for (int i = 0; i < a.size(); i++) {
            if (!kind.isInstance(a.get(i))) {
                return false;
            }
        }
        return true;
    }

    private Provenance at(TomlPosition p) {
        return new Provenance(file, p == null ? 0 : p.line() + lineOffset);
    }

    private void syntax(Provenance at, String message) {
        errors.add(new ConfigError(ConfigError.Kind.SYNTAX, at + ": " + message, List.of(at)));
    }
}
