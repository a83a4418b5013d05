package io.hostspec.nix;

import io.hostspec.module.ConfigError;
import io.hostspec.module.ConfigException;
import io.hostspec.module.Definition;
import io.hostspec.module.Module;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.OptionPath;
import io.hostspec.module.PValue;
import io.hostspec.module.Provenance;
import io.hostspec.module.Type;
import io.hostspec.module.Types;
import io.hostspec.nix.internal.Calls;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Turns a .nix module value into a hostspec {@link Module}: a module function is called with
 * {@code { config, options, lib, pkgs, ... } // specialArgs}; {@code imports} become imports (paths of .nix and
 * .toml files, or module names), {@code options} become declarations ({@code mkOption} with {@code types.*}),
 * {@code config} (or the shorthand) becomes definition blocks: every {@code mkIf}, {@code mkMerge},
 * {@code mkOverride} and {@code mkOrder} starts a block of its own, with each definition's file:line. A definition
 * that reads {@code config} is computed during evaluation; so is an {@code mkIf} condition.
 */
final class NixModules {

    private static final Set<String> NOT_CONFIG = Set.of("imports", "options", "_file", "key", "meta",
            "disabledModules", "description", "_class");

    private final ConfigView view;
    private final Object lib;
    private final Object pkgs;
    private final Map<String, Object> specialArgs;

    NixModules(ConfigView view, Object lib, Map<String, Object> specialArgs) {
        this.view = view;
        this.lib = lib;
        this.pkgs = Packages.set();
        this.specialArgs = specialArgs;
    }

    private record Ctx(int priority, int order, List<Module.WrittenCondition> conditions) {
    }

    private final class Collector {
        final String file;
        final List<Module.Import> imports = new ArrayList<>();
        final List<OptionDecl> decls = new ArrayList<>();
        final List<Module.Block> blocks = new ArrayList<>();

        Collector(String file) {
            this.file = file;
        }

        Provenance at(Pos pos) {
            return pos == null || pos.line() == 0 ? new Provenance(file, 0) : new Provenance(pos.file(), pos.line());
        }
    }

    /**
     * Converts a module value.
     *
     * @param value the module: a function, a set, or a path
     * @param name  the module name for messages
     * @param file  the file shown in messages
     */
    Module convert(Object value, String name, String file) {
        Collector c = new Collector(file);
        module(value, c, null);
        return new Module(name, file, "", List.copyOf(c.imports), List.copyOf(c.decls), List.copyOf(c.blocks));
    }

    private Map<String, Object> args(Map<String, Object> more) {
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("config", view.value());
        a.put("options", NixAttrs.EMPTY);
        a.put("lib", lib);
        a.put("pkgs", pkgs);
        a.put("modulesPath", new NixPath("/hostspec/nixos/modules"));
        a.putAll(specialArgs);
        a.putAll(more);
        return a;
    }

    private NixAttrs call(Object v, Map<String, Object> more) {
        Object f = Thunk.force(v);
        if (f instanceof NixFunction) {
            f = Calls.autoCall(f, args(more));
        }
        if (f instanceof NixAttrs a) {
            return a;
        }
        throw new NixException("a module must be a set or a function returning one, not " + Calls.showType(f),
                Pos.NONE);
    }

    private void module(Object value, Collector c, Pos where) {
        Object v = Thunk.force(value);
        if (v instanceof NixPath || v instanceof String) {
            c.imports.add(new Module.Import(v.toString(), c.at(where)));
            return;
        }
        NixAttrs m = call(v, Map.of());
        if ("renamed".equals(m.get("_type")) || "removed".equals(m.get("_type"))) {
            return;
        }
        if (m.has("imports")) {
            NixList imports = (NixList) Thunk.force(m.lazy("imports"));
            for (int k = 0; k < imports.size(); k++) {
                module(imports.lazy(k), c, m.pos("imports"));
            }
        }
        if (m.has("options")) {
            declarations(Calls.attrs(m.lazy("options")), new ArrayList<>(), c);
        }
        boolean structured = m.has("options") || m.has("config");
        Ctx plain = new Ctx(Definition.PLAIN, 1000, List.of());
        if (structured) {
            if (m.has("config")) {
                emit(m.lazy("config"), List.of(), plain, c, m.pos("config"));
            }
        } else {
            TreeMap<String, Object> rest = new TreeMap<>(m.map());
            NOT_CONFIG.forEach(rest::remove);
            emit(new NixAttrs(rest, m.positions()), List.of(), plain, c, where);
        }
    }

    // ---------------------------------------------------------------- declarations

    private void declarations(NixAttrs options, List<String> path, Collector c) {
        for (Map.Entry<String, Object> e : options.map().entrySet()) {
            List<String> p = new ArrayList<>(path);
            p.add(e.getKey());
            Object v = Thunk.force(e.getValue());
            if (v instanceof NixAttrs a && "option".equals(a.get("_type"))) {
                declare(p, a, c, options.pos(e.getKey()));
            } else if (v instanceof NixAttrs a) {
                declarations(a, p, c);
            }
        }
    }

    private void declare(List<String> path, NixAttrs opt, Collector c, Pos pos) {
        Provenance where = c.at(pos);
        NixAttrs type = opt.has("type") ? Calls.attrs(opt.lazy("type")) : null;
        String typeName = type == null ? "anything" : (String) type.get("name");
        if ("submodule".equals(typeName)) {
            submodule(type.lazy("submodule"), path, c);
            return;
        }
        if (("attrsOf".equals(typeName)) && type.get("nestedTypes") instanceof NixAttrs nested
                && nested.get("elemType") instanceof NixAttrs elem && "submodule".equals(elem.get("name"))) {
            List<String> named = new ArrayList<>(path);
            named.add("<name>");
            submodule(elem.lazy("submodule"), named, c);
            return;
        }
        Type t;
        try {
            t = type == null ? Types.anything() : hostspecType(type);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(new ConfigError(ConfigError.Kind.SYNTAX, where + ": the type of `"
                    + OptionPath.format(path) + "' is not supported: " + e.getMessage(), List.of(where)));
        }
        String desc = opt.get("description") instanceof String s ? s : "";
        String name = OptionPath.format(path);
        if (opt.has("default")) {
            c.decls.add(OptionDecl.of(name, t, plainOrLater(opt.lazy("default"), where), desc, where));
        } else {
            c.decls.add(OptionDecl.of(name, t, desc, where));
        }
    }

    private static Type hostspecType(NixAttrs type) {
        Object written = type.get("hostspec");
        if (written instanceof String s) {
            return Types.parse(s.replace("(null)", "(anything)"));
        }
        if ("enum".equals(type.get("name"))) {
            NixAttrs functor = Calls.attrs(type.lazy("functor"));
            NixList values = (NixList) Thunk.force(functor.lazy("payload"));
            List<String> items = new ArrayList<>();
            for (int k = 0; k < values.size(); k++) {
                items.add(String.valueOf(NixValues.toPlain(values.get(k))));
            }
            return Types.enumOf(items);
        }
        return Types.anything();
    }

    private void submodule(Object m, List<String> path, Collector c) {
        NixAttrs sub = call(m, Map.of("name", "<name>"));
        NixAttrs options = sub.has("options") ? Calls.attrs(sub.lazy("options")) : NixAttrs.EMPTY;
        declarations(options, path, c);
    }

    // ---------------------------------------------------------------- definitions

    private void emit(Object content, List<String> segs, Ctx ctx, Collector c, Pos where) {
        PValue p = value(content, segs, ctx, c, where);
        if (p == null) {
            return;
        }
        PValue entries;
        if (segs.isEmpty()) {
            if (!p.isTable()) {
                throw new ConfigException(new ConfigError(ConfigError.Kind.TYPE, c.at(where)
                        + ": a module's config must be a set", List.of(c.at(where))));
            }
            entries = p;
        } else {
            entries = new PValue(Map.of(OptionPath.format(segs), p), p.where());
        }
        c.blocks.add(new Module.Block(ctx.priority, ctx.order, ctx.conditions, entries));
    }

    private PValue value(Object lazy, List<String> segs, Ctx ctx, Collector c, Pos where) {
        Provenance at = c.at(where);
        Object v;
        try {
            v = Thunk.force(lazy);
        } catch (ConfigView.NotYet e) {
            return new PValue(later(lazy, at), at);
        }
        if (v instanceof NixAttrs a && a.get("_type") instanceof String kind && !Packages.isPackage(a)) {
            switch (kind) {
                case "if" -> {
                    List<Module.WrittenCondition> conds = new ArrayList<>(ctx.conditions);
                    Object cond = a.lazy("condition");
                    conds.add(new Module.WrittenCondition("", at, () -> test(cond, at)));
                    emit(a.lazy("content"), segs, new Ctx(ctx.priority, ctx.order, conds), c, where);
                    return null;
                }
                case "merge" -> {
                    NixList contents = (NixList) Thunk.force(a.lazy("contents"));
                    for (int k = 0; k < contents.size(); k++) {
                        emit(contents.lazy(k), segs, ctx, c, where);
                    }
                    return null;
                }
                case "override" -> {
                    int priority = (int) (long) (Long) a.get("priority");
                    emit(a.lazy("content"), segs, new Ctx(priority, ctx.order, ctx.conditions), c, where);
                    return null;
                }
                case "order" -> {
                    int order = (int) (long) (Long) a.get("priority");
                    emit(a.lazy("content"), segs, new Ctx(ctx.priority, order, ctx.conditions), c, where);
                    return null;
                }
                default -> {
                }
            }
        }
        if (v instanceof NixAttrs a && !Packages.isPackage(a) && !a.has("outPath")) {
            Map<String, PValue> m = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : a.map().entrySet()) {
                List<String> child = new ArrayList<>(segs);
                child.add(e.getKey());
                Pos p = a.pos(e.getKey());
                PValue pv = value(e.getValue(), child, ctx, c, p != null ? p : where);
                if (pv != null) {
                    m.put(e.getKey(), pv);
                }
            }
            return new PValue(m, at);
        }
        try {
            return positioned(NixValues.toPlain(v), at);
        } catch (ConfigView.NotYet e) {
            return new PValue(later(lazy, at), at);
        }
    }

    private static PValue positioned(Object plain, Provenance at) {
        if (plain instanceof List<?> l) {
            List<PValue> out = new ArrayList<>(l.size());
            l.forEach(x -> out.add(positioned(x, at)));
            return new PValue(out, at);
        }
        if (plain instanceof Map<?, ?> m) {
            Map<String, PValue> out = new LinkedHashMap<>();
            m.forEach((k, x) -> out.put((String) k, positioned(x, at)));
            return new PValue(out, at);
        }
        return new PValue(plain, at);
    }

    private static boolean test(Object cond, Provenance at) {
        try {
            Object v = Thunk.force(cond);
            if (v instanceof Boolean b) {
                return b;
            }
            throw new ConfigException(new ConfigError(ConfigError.Kind.TYPE, at + ": the condition of mkIf must be "
                    + "a Boolean, not " + Calls.showType(v), List.of(at)));
        } catch (NixException e) {
            throw nixError(e, at);
        }
    }

    private static Object plainOrLater(Object lazy, Provenance at) {
        try {
            return NixValues.toPlain(lazy);
        } catch (ConfigView.NotYet e) {
            return later(lazy, at);
        }
    }

    private static Supplier<Object> later(Object lazy, Provenance at) {
        return () -> {
            try {
                return NixValues.toPlain(lazy);
            } catch (NixException e) {
                throw nixError(e, at);
            }
        };
    }

    static ConfigException nixError(NixException e, Provenance at) {
        return new ConfigException(new ConfigError(ConfigError.Kind.TYPE, "error in the definition at " + at + ": "
                + e.getMessage(), List.of(at)));
    }
}
