package io.hostspec.module;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lazy evaluation of one host: definitions resolved against the option tree (by {@link DefinitionIndex}), then
 * every value computed on demand (conditions and references read other options' final values), memoized, with cycles
 * reported as chains.
 */
final class Evaluation {

    private static final Pattern WHOLE_REF = Pattern.compile("^\\$\\{([^}]+)}$");
    private static final Pattern REF = Pattern.compile("\\$?\\$\\{([^}]*)}");

    private final OptionTree tree;
    private final DefinitionIndex defs;
    private final Map<List<String>, Object> values = new HashMap<>();
    private final Map<List<String>, List<Definition>> winners = new HashMap<>();
    private final Map<List<String>, ConfigException> failures = new HashMap<>();
    private final Deque<Frame> stack = new ArrayDeque<>();
    private final List<ConfigError> errors = new ArrayList<>();

    private record Frame(List<String> option, Provenance via) {
    }

    /**
     * An evaluation over declared options.
     *
     * @param tree  the declared options
     * @param nixos whether undeclared options NixOS has ({@link NixosOptions}) are told apart from unknown ones
     */
    Evaluation(OptionTree tree, boolean nixos) {
        this.tree = tree;
        this.defs = new DefinitionIndex(tree, errors, nixos);
    }

    /** The errors collected so far (placing definitions, then {@link #evaluateAll()}); the live list. */
    List<ConfigError> errors() {
        return errors;
    }

    /** The declared options this evaluation reads. */
    OptionTree tree() {
        return tree;
    }

    /**
     * Adds the definitions of one block of a module; what cannot be placed (a bad path, an undeclared option, a
     * condition on a non-bool) is collected in {@link #errors()}.
     */
    void addBlock(Module module, Module.Block block) {
        defs.addBlock(module, block);
    }

    /** Places the copies of the {@code for} blocks; call once, after every block was added. */
    void expandRepeated() {
        defs.expandRepeated(this::holds);
    }

    // ---------------------------------------------------------------- lazy values

    /** The final value of a concrete option (or the table of a namespace or submodule set). */
    Object value(List<String> path, Provenance via) {
        if (values.containsKey(path)) {
            return values.get(path);
        }
        ConfigException failed = failures.get(path);
        if (failed != null) {
            throw failed;
        }
        for (Frame f : stack) {
            if (f.option.equals(path)) {
                throw cycle(path, via);
            }
        }
        stack.push(new Frame(path, via));
        try {
            Object v = compute(path, via);
            values.put(path, v);
            return v;
        } catch (ConfigException e) {
            failures.put(path, e);
            throw e;
        } finally {
            stack.pop();
        }
    }

    /**
     * The default of an option below a {@code <name>} segment may say {@code <name>}: it stands for the entry's
     * name, as a NixOS submodule's default reads {@code name} ({@code sops.secrets.<name>.path} defaults to
     * {@code /run/secrets/<name>}).
     */
    private static Object namedDefault(OptionDecl decl, List<String> path) {
        if (!(decl.defaultValue() instanceof String s) || !s.contains("<name>")) {
            return decl.defaultValue();
        }
        List<String> declared = OptionPath.parse(decl.path());
        int at = declared.lastIndexOf("<name>");
        return at < 0 || at >= path.size() ? s : s.replace("<name>", path.get(at));
    }

    private Object compute(List<String> path, Provenance via) {
        OptionTree.Node n = tree.find(path);
        if (n == null) {
            throw new ConfigException(DefinitionIndex.undeclared(tree, path, via, "It is read at " + via));
        }
        if (!n.isLeaf()) {
            return subtree(n, path);
        }
        OptionDecl decl = n.decl;
        List<Definition> active = new ArrayList<>();
        for (Definition d : defs.of(path)) {
            if (holds(d)) {
                active.add(d);
            }
        }
        if (decl.hasDefault()) {
            active.add(new Definition(path, namedDefault(decl, path), decl.declaredAt(), "<default>",
                    Definition.OPTION_DEFAULT, 1000, List.of(), false));
        }
        if (active.isEmpty()) {
            throw new ConfigException(new ConfigError(ConfigError.Kind.UNDEFINED, "The option `"
                    + OptionPath.format(path) + "' is used but not defined: no module defines it and it has no "
                    + "default (declared at " + decl.declaredAt() + ", type " + decl.type().name() + "). It is read "
                    + "at " + via + "." + entryDefinedAt(path) + " Define it, e.g. \"" + OptionPath.format(path)
                    + "\" = ...", List.of(decl.declaredAt(), via)));
        }
        boolean attrs = Types.isAttrs(decl.type());
        int best = active.stream().mapToInt(d -> outer(d, attrs)).min().orElseThrow();
        List<Definition> kept = active.stream().filter(d -> outer(d, attrs) == best).toList();
        List<Type.Valued> valued = new ArrayList<>();
        for (Definition d : kept) {
            Object resolved = resolve(d.value(), d.where());
            Object checked;
            try {
                checked = decl.type().check(resolved);
            } catch (Type.TypeMismatch e) {
                throw new ConfigException(new ConfigError(ConfigError.Kind.TYPE, "The option `"
                        + OptionPath.format(path) + "' has a wrong value at " + d.where() + ": " + e.getMessage()
                        + ". Its type is " + decl.type().name() + " (declared at " + decl.declaredAt() + ").",
                        List.of(d.where(), decl.declaredAt())));
            }
            valued.add(new Type.Valued(checked, d.where(), d.order(),
                    attrs && d.keyed() ? d.priority() : Definition.PLAIN));
        }
        winners.put(path, kept);
        return decl.type().merge(OptionPath.format(path), valued);
    }

    /**
     * For an option inside named entries ({@code apps.wiki.port}): where each entry on its path is defined, so that
     * an error names the module that made the entry, not only the one that reads it. Empty for other options.
     */
    private String entryDefinedAt(List<String> path) {
        StringBuilder b = new StringBuilder();
        OptionTree.Node n = tree.root;
        for (int i = 0; i < path.size() - 1 && n != null; i++) {
            String seg = path.get(i);
            if (n.children.containsKey(seg)) {
                n = n.children.get(seg);
                continue;
            }
            List<Definition> entry = defs.namedUnder(path.subList(0, i)).getOrDefault(seg, List.of());
            Set<String> where = new LinkedHashSet<>();
            entry.forEach(d -> where.add(d.where().toString()));
            if (!where.isEmpty()) {
                b.append(" `").append(OptionPath.format(path.subList(0, i + 1))).append("' is defined at ")
                        .append(String.join(", ", where)).append('.');
            }
            n = n.any;
        }
        return b.toString();
    }

    private static int outer(Definition d, boolean attrs) {
        return attrs && d.keyed() ? Definition.PLAIN : d.priority();
    }

    private boolean holds(Definition d) {
        for (Definition.Condition c : d.conditions()) {
            if (c.test() != null) {
                if (!c.test().getAsBoolean()) {
                    return false;
                }
                continue;
            }
            Object v = value(c.option(), c.where());
            if (!Boolean.TRUE.equals(v)) {
                return false;
            }
        }
        return true;
    }

    private Object resolve(Object v, Provenance where) {
        if (v instanceof java.util.function.Supplier<?> computed) {
            return resolve(computed.get(), where); // a .nix definition computed on demand (it may read options)
        }
        if (v instanceof String s) {
            Matcher whole = WHOLE_REF.matcher(s);
            if (whole.matches()) {
                return value(refPath(whole.group(1), where), where);
            }
            if (!s.contains("${")) {
                return s;
            }
            Matcher m = REF.matcher(s);
            StringBuilder b = new StringBuilder();
            while (m.find()) {
                String replacement;
                if (m.group().startsWith("$$")) {
                    replacement = m.group().substring(1); // $${x} is a literal ${x}
                } else {
                    List<String> ref = refPath(m.group(1), where);
                    Object target = value(ref, where);
                    if (target instanceof String || target instanceof Long || target instanceof Boolean) {
                        replacement = String.valueOf(target);
                    } else {
                        throw new ConfigException(new ConfigError(ConfigError.Kind.TYPE, where + ": cannot put `"
                                + OptionPath.format(ref) + "' into a string: its value is " + Values.kind(target)
                                + " " + Values.toml(target) + ". Use \"${" + m.group(1)
                                + "}\" alone to keep its type.", List.of(where)));
                    }
                }
                m.appendReplacement(b, Matcher.quoteReplacement(replacement));
            }
            m.appendTail(b);
            return b.toString();
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) {
                out.add(resolve(o, where));
            }
            return Collections.unmodifiableList(out);
        }
        if (v instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, resolve(x, where)));
            return Collections.unmodifiableMap(out);
        }
        return v;
    }

    private List<String> refPath(String written, Provenance where) {
        try {
            return OptionPath.parse(written.trim());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(new ConfigError(ConfigError.Kind.SYNTAX, where + ": bad reference ${" + written
                    + "}: " + e.getMessage(), List.of(where)));
        }
    }

    private ConfigException cycle(List<String> path, Provenance via) {
        List<Frame> frames = new ArrayList<>();
        Iterator<Frame> it = stack.descendingIterator();
        boolean in = false;
        while (it.hasNext()) {
            Frame f = it.next();
            in |= f.option.equals(path);
            if (in) {
                frames.add(f);
            }
        }
        StringBuilder chain = new StringBuilder("`" + OptionPath.format(path) + "'");
        List<Provenance> where = new ArrayList<>();
        for (int i = 1; i < frames.size(); i++) {
            chain.append(" -> `").append(OptionPath.format(frames.get(i).option)).append("' (read at ")
                    .append(frames.get(i).via).append(')');
            where.add(frames.get(i).via);
        }
        chain.append(" -> `").append(OptionPath.format(path)).append("' (read at ").append(via).append(')');
        where.add(via);
        return new ConfigException(new ConfigError(ConfigError.Kind.CYCLE,
                "Infinite recursion: options refer to each other in a cycle: " + chain
                        + ". Break the cycle by giving one of them a value that does not refer back.", where));
    }

    /** Names defined under a submodule set whose definitions' conditions hold. */
    SortedSet<String> names(List<String> setPath) {
        SortedSet<String> out = new TreeSet<>();
        for (Map.Entry<String, List<Definition>> e : defs.namedUnder(setPath).entrySet()) {
            for (Definition d : e.getValue()) {
                if (holds(d)) {
                    out.add(e.getKey());
                    break;
                }
            }
        }
        return out;
    }

    /** Whether an option would have a value: a definition whose conditions hold, or a default. */
    boolean isDefined(List<String> path) {
        OptionTree.Node n = tree.find(path);
        if (n == null || !n.isLeaf()) {
            return false;
        }
        if (n.decl.hasDefault()) {
            return true;
        }
        for (Definition d : defs.of(path)) {
            if (holds(d)) {
                return true;
            }
        }
        return false;
    }

    /** The definitions whose values won for an option (evaluating it if needed); empty when only a default won. */
    List<Definition> winners(List<String> path, Provenance via) {
        value(path, via);
        return winners.getOrDefault(path, List.of()).stream().filter(d -> !"<default>".equals(d.module())).toList();
    }

    private Map<String, Object> subtree(OptionTree.Node n, List<String> path) {
        Map<String, Object> out = new TreeMap<>();
        if (n.isSubmodules()) {
            for (String name : names(path)) {
                out.put(name, subtree(n.any, OptionPath.append(path, List.of(name))));
            }
        }
        for (Map.Entry<String, OptionTree.Node> e : n.children.entrySet()) {
            List<String> p = OptionPath.append(path, List.of(e.getKey()));
            OptionTree.Node c = e.getValue();
            if (c.isLeaf()) {
                if (isDefined(p)) {
                    out.put(e.getKey(), value(p, Provenance.builtIn("evaluation")));
                }
            } else {
                Map<String, Object> sub = subtree(c, p);
                if (!sub.isEmpty()) {
                    out.put(e.getKey(), sub);
                }
            }
        }
        return out;
    }

    /** The definitions of options NixOS has but hostspec does not realize whose conditions hold, in module order. */
    List<Definition> unrealized() {
        return defs.unrealized().stream().filter(this::holds).toList();
    }

    /**
     * The error naming every definition of {@link #unrealized()}, or null when there is none or the host accepts them
     * ({@link NixosOptions#POLICY_OPTION} = "warn"). Call after {@link #evaluateAll()}: a condition or the policy
     * that fails to evaluate was reported there, and is skipped here.
     */
    ConfigError unrealizedError() {
        List<Definition> active;
        try {
            active = unrealized();
            List<String> policy = OptionPath.parse(NixosOptions.POLICY_OPTION);
            if (active.isEmpty() || (tree.find(policy) != null
                    && "warn".equals(value(policy, Provenance.builtIn("evaluation"))))) {
                return null;
            }
        } catch (ConfigException e) {
            return null;
        }
        StringBuilder b = new StringBuilder("The host defines " + active.size() + (active.size() == 1
                ? " option that NixOS has but hostspec does not realize; it would have"
                : " options that NixOS has but hostspec does not realize; they would have") + " no effect:");
        for (Definition d : active) {
            b.append("\n- `").append(d.optionName()).append("' at ").append(d.where()).append(" (NixOS ")
                    .append(NixosOptions.entryFor(d.option()).orElseThrow()).append(')');
        }
        b.append("\nRemove them, or accept them with a warning: ").append(NixosOptions.POLICY_OPTION)
                .append(" = \"warn\" (the coverage report then lists them).");
        return new ConfigError(ConfigError.Kind.UNREALIZED, b.toString(),
                active.stream().map(Definition::where).toList());
    }

    /** Evaluates every defined option, collecting every error instead of stopping at the first. */
    void evaluateAll() {
        Set<String> seen = new LinkedHashSet<>();
        errors.forEach(e -> seen.add(e.message()));
        walk(tree.root, List.of(), seen);
    }

    private void walk(OptionTree.Node n, List<String> path, Set<String> seen) {
        try {
            if (n.isLeaf()) {
                if (isDefined(path)) {
                    value(path, Provenance.builtIn("evaluation"));
                }
                return;
            }
            if (n.isSubmodules()) {
                for (String name : names(path)) {
                    walk(n.any, OptionPath.append(path, List.of(name)), seen);
                }
            }
        } catch (ConfigException e) {
            for (ConfigError err : e.errors()) {
                if (seen.add(err.message())) {
                    errors.add(err);
                }
            }
            return;
        }
        for (Map.Entry<String, OptionTree.Node> c : n.children.entrySet()) {
            walk(c.getValue(), OptionPath.append(path, List.of(c.getKey())), seen);
        }
    }

    /** The whole evaluated configuration as nested tables. */
    Map<String, Object> tree(List<String> path) {
        OptionTree.Node n = tree.find(path);
        return n == null ? Map.of() : subtree(n, path);
    }

    /** Every concrete option that some module defined (not only a default) and whose definition won. */
    Map<List<String>, List<Definition>> definedOptions() {
        Map<List<String>, List<Definition>> out = new LinkedHashMap<>();
        List<List<String>> keys = new ArrayList<>(defs.paths());
        keys.sort((a, b) -> OptionPath.format(a).compareTo(OptionPath.format(b)));
        for (List<String> k : keys) {
            if (values.containsKey(k)) {
                List<Definition> w = winners.getOrDefault(k, List.of()).stream()
                        .filter(d -> !"<default>".equals(d.module())).toList();
                if (!w.isEmpty()) {
                    out.put(k, w);
                }
            }
        }
        return out;
    }
}
