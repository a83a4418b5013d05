package io.hostspec.module;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The definitions of one host's modules, placed on the option tree: each written key resolved to an option path
 * (through groups, submodule names and table options), indexed by option and by the names defined under each
 * submodule set. Placing is eager and collects every error it finds; computing values from the definitions is
 * {@link Evaluation}'s, which reads them lazily.
 */
final class DefinitionIndex {

    private final OptionTree tree;
    private final List<ConfigError> errors;
    private final boolean nixos;
    private final Map<List<String>, List<Definition>> defs = new HashMap<>();
    private final Map<List<String>, Map<String, List<Definition>>> names = new HashMap<>();
    private final List<Definition> unrealized = new ArrayList<>();
    private final List<Map.Entry<Module, Module.Block>> repeated = new ArrayList<>();

    /**
     * An empty index.
     *
     * @param tree   the declared options
     * @param errors where placing errors are added (shared with the evaluation, so all are reported together)
     * @param nixos  whether definitions of undeclared options NixOS has are kept apart as {@link #unrealized()}
     *               (a host's namespace) instead of being unknown options (a bare {@code lib.evalModules})
     */
    DefinitionIndex(OptionTree tree, List<ConfigError> errors, boolean nixos) {
        this.tree = tree;
        this.errors = errors;
        this.nixos = nixos;
    }

    /** The definitions of one concrete option, in the order added; empty when none. */
    List<Definition> of(List<String> path) {
        return defs.getOrDefault(path, List.of());
    }

    /** The definitions under a submodule set, by the name they define (sorted); empty when none. */
    Map<String, List<Definition>> namedUnder(List<String> setPath) {
        return names.getOrDefault(setPath, Map.of());
    }

    /**
     * The definitions of options nobody declared that NixOS has ({@link NixosOptions}): kept apart, with their
     * conditions, for the unrealized-options check; in the order added.
     */
    List<Definition> unrealized() {
        return Collections.unmodifiableList(unrealized);
    }

    /** Every option path with at least one definition. */
    Set<List<String>> paths() {
        return Collections.unmodifiableSet(defs.keySet());
    }

    /**
     * Adds the definitions of one block of a module, resolved against the option tree; what cannot be placed is
     * added to the shared error list instead.
     */
    void addBlock(Module module, Module.Block block) {
        if (block.forEach() != null) {
            repeated.add(Map.entry(module, block));
            return;
        }
        place(module, block, List.of());
    }

    /**
     * Places the copies of every {@code for} block, one per name defined under its set by the other blocks (names that
     * only {@code for} blocks define are not repeated over: that would make a block's names depend on its own
     * copies). Each copy carries the condition that its name is defined, which {@code holds} decides lazily from the
     * name's own definitions. Call once, after every other block was added.
     *
     * @param holds whether a definition's conditions hold (computed during evaluation)
     */
    void expandRepeated(java.util.function.Predicate<Definition> holds) {
        Map<List<String>, Map<String, List<Definition>>> snapshot = new HashMap<>();
        for (Map.Entry<Module, Module.Block> r : repeated) {
            Module.ForEach each = r.getValue().forEach();
            OptionTree.Node set = tree.find(each.set());
            if (set == null || !set.isSubmodules()) {
                errors.add(set == null ? undeclared(tree, each.set(), each.where(), "It is named by `for' at "
                        + each.where()) : new ConfigError(ConfigError.Kind.TYPE, each.where() + ": `for' must name "
                        + "a set of named entries (declared with a <name> segment), but `"
                        + OptionPath.format(each.set()) + "' is not one", List.of(each.where())));
                continue;
            }
            snapshot.computeIfAbsent(each.set(), k -> {
                Map<String, List<Definition>> copy = new TreeMap<>();
                namedUnder(k).forEach((name, defs) -> copy.put(name, List.copyOf(defs)));
                return copy;
            });
        }
        for (Map.Entry<Module, Module.Block> r : repeated) {
            Module.Block block = r.getValue();
            Module.ForEach each = block.forEach();
            Map<String, List<Definition>> named = snapshot.get(each.set());
            if (named == null) {
                continue;
            }
            named.forEach((name, own) -> {
                Definition.Condition defined = new Definition.Condition(List.of(), each.where(),
                        () -> own.stream().anyMatch(holds));
                place(r.getKey(), Repetition.copy(block, each.placeholder(), name), List.of(defined));
            });
        }
        repeated.clear();
    }

    private void place(Module module, Module.Block block, List<Definition.Condition> extra) {
        List<Definition.Condition> conditions = new ArrayList<>(extra);
        for (Module.WrittenCondition c : block.conditions()) {
            if (c.test() != null) {
                conditions.add(new Definition.Condition(List.of(), c.where(), c.test()));
                continue;
            }
            List<String> path;
            try {
                path = OptionPath.parse(c.option());
            } catch (IllegalArgumentException e) {
                errors.add(new ConfigError(ConfigError.Kind.SYNTAX, c.where() + ": " + e.getMessage(),
                        List.of(c.where())));
                continue;
            }
            OptionTree.Node n = tree.find(path);
            if (n == null || !n.isLeaf()) {
                errors.add(undeclared(tree, path, c.where(), "It is named by the condition `if = \"" + c.option()
                        + "\"' at " + c.where()));
            } else if (!n.decl.type().name().equals("bool")) {
                errors.add(new ConfigError(ConfigError.Kind.TYPE, c.where() + ": `if' must name a bool option, but `"
                        + c.option() + "' is of type " + n.decl.type().name() + " (declared at "
                        + n.decl.declaredAt() + ")", List.of(c.where(), n.decl.declaredAt())));
            } else {
                conditions.add(new Definition.Condition(path, c.where()));
            }
        }
        Ctx ctx = new Ctx(module, block, List.copyOf(conditions));
        for (Map.Entry<String, PValue> e : block.entries().table().entrySet()) {
            enter(tree.root, List.of(), e.getKey(), e.getValue(), ctx);
        }
    }

    private record Ctx(Module module, Module.Block block, List<Definition.Condition> conditions) {
    }

    private void enter(OptionTree.Node node, List<String> path, String key, PValue value, Ctx ctx) {
        if (node.isSubmodules() && !node.children.containsKey(key)) {
            at(node.any, OptionPath.append(path, List.of(key)), value, ctx); // a whole key at a name position is the name
            return;
        }
        List<String> segs;
        try {
            segs = OptionPath.parse(key);
        } catch (IllegalArgumentException e) {
            errors.add(new ConfigError(ConfigError.Kind.SYNTAX, value.where() + ": " + e.getMessage(),
                    List.of(value.where())));
            return;
        }
        descend(node, path, segs, value, ctx);
    }

    private void descend(OptionTree.Node node, List<String> path, List<String> segs, PValue value, Ctx ctx) {
        if (segs.isEmpty()) {
            at(node, path, value, ctx);
            return;
        }
        if (node.isLeaf()) {
            if (Types.isAttrs(node.decl.type())) {
                String key = String.join(".", segs);
                emit(path, Map.of(key, value.plain()), value.where(), ctx, true);
            } else {
                errors.add(new ConfigError(ConfigError.Kind.UNDECLARED, "The option `"
                        + OptionPath.format(OptionPath.append(path, segs)) + "' does not exist (defined at " + value.where()
                        + "): `" + OptionPath.format(path) + "' is an option of type " + node.decl.type().name()
                        + ", not a group of options.", List.of(value.where())));
            }
            return;
        }
        String seg = segs.get(0);
        OptionTree.Node child = node.children.get(seg);
        if (child == null) {
            child = node.any;
        }
        if (child == null) {
            // TOML nests a dotted key and a [table]: name each option written under the missing group, so that the
            // suggestion is made for the whole path and not for the group alone
            Map<List<String>, PValue> written = new java.util.LinkedHashMap<>();
            leaves(OptionPath.append(path, segs), value, written);
            written.forEach((attempted, leaf) -> {
                if (nixos && NixosOptions.entryFor(attempted).isPresent()) {
                    if (leaf.isTable()) {
                        return; // an empty set defines nothing (what is left of a set whose content is an mkIf)
                    }
                    unrealized.add(new Definition(attempted, leaf.plain(), leaf.where(), ctx.module.name(),
                            ctx.block.priority(), ctx.block.order(), ctx.conditions, false));
                } else {
                    errors.add(undeclared(tree, attempted, leaf.where(), "It is defined at " + leaf.where()));
                }
            });
            return;
        }
        descend(child, OptionPath.append(path, List.of(seg)), segs.subList(1, segs.size()), value, ctx);
    }

    private void at(OptionTree.Node node, List<String> path, PValue value, Ctx ctx) {
        if (node.isLeaf()) {
            // TOML cannot tell "a"."k" = v from "a" = { k = v }: module definitions of a table option are keyed, so
            // a priority applies to the keys written, while the declared default is still replaced as a whole.
            emit(path, value.plain(), value.where(), ctx, Types.isAttrs(node.decl.type()) && value.isTable());
        } else if (value.isTable()) {
            for (Map.Entry<String, PValue> e : value.table().entrySet()) {
                enter(node, path, e.getKey(), e.getValue(), ctx);
            }
        } else {
            String what = node.isSubmodules()
                    ? "a table of named entries, e.g. \"" + OptionPath.format(path) + ".<name>\" = { ... }"
                    : "a group of options (" + String.join(", ", node.children.keySet()) + "); set one of them";
            errors.add(new ConfigError(ConfigError.Kind.TYPE, "The option `" + OptionPath.format(path)
                    + "' is " + what + ", not a value; got " + Values.toml(value.plain()) + " at " + value.where(),
                    List.of(value.where())));
        }
    }

    private void emit(List<String> path, Object value, Provenance where, Ctx ctx, boolean keyed) {
        Definition d = new Definition(path, value, where, ctx.module.name(), ctx.block.priority(), ctx.block.order(),
                ctx.conditions, keyed);
        defs.computeIfAbsent(path, k -> new ArrayList<>()).add(d);
        OptionTree.Node n = tree.root;
        for (int i = 0; i < path.size(); i++) {
            String seg = path.get(i);
            if (n.children.containsKey(seg)) {
                n = n.children.get(seg);
            } else {
                names.computeIfAbsent(path.subList(0, i), k -> new TreeMap<>())
                        .computeIfAbsent(seg, k -> new ArrayList<>()).add(d);
                n = n.any;
            }
        }
    }

    // The paths of the values under a table with their values (the table itself when it is empty or not a table).
    private static void leaves(List<String> path, PValue value, Map<List<String>, PValue> out) {
        if (!value.isTable() || value.table().isEmpty()) {
            out.put(path, value);
            return;
        }
        for (Map.Entry<String, PValue> e : value.table().entrySet()) {
            List<String> segs;
            try {
                segs = OptionPath.parse(e.getKey());
            } catch (IllegalArgumentException bad) {
                segs = List.of(e.getKey());
            }
            leaves(OptionPath.append(path, segs), e.getValue(), out);
        }
    }

    /**
     * The error for a path that names no declared option, with did-you-mean suggestions from the tree (or a pointer
     * to {@code ./hostspec options} when nothing is close).
     */
    static ConfigError undeclared(OptionTree tree, List<String> path, Provenance where, String context) {
        List<String> suggestions = tree.suggest(path);
        String hint = suggestions.isEmpty() ? " See `./hostspec options' for the declared options."
                : " Did you mean " + suggestions.stream().map(s -> "`" + s + "'").collect(Collectors.joining(" or "))
                + "?";
        return new ConfigError(ConfigError.Kind.UNDECLARED, "The option `" + OptionPath.format(path)
                + "' does not exist. " + context + "." + hint, List.of(where));
    }
}
