package io.hostspec.nix;

import io.hostspec.module.Config;
import io.hostspec.module.Module;
import io.hostspec.module.ModuleSystem;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Provenance;
import io.hostspec.nix.internal.Calls;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code lib.evalModules { modules; specialArgs; }}: hands the modules to hostspec's module system (no built-in
 * options: only what the modules declare, as in nixpkgs) and returns {@code { config; options; }}.
 */
final class EvalModulesHook extends NixFunction {

    @Override
    public Object apply(Object arg, Pos callPos) {
        NixAttrs args = Calls.attrs(arg);
        Map<String, Object> special = new LinkedHashMap<>();
        if (args.has("specialArgs")) {
            special.putAll(Calls.attrs(args.lazy("specialArgs")).map());
        }
        ConfigView view = new ConfigView();
        NixModules convert = new NixModules(view, args.lazy("lib"), special);
        NixList list = args.has("modules") ? (NixList) Thunk.force(args.lazy("modules")) : NixList.EMPTY;
        List<Module> roots = new ArrayList<>();
        Path cwd = Path.of("").toAbsolutePath();
        for (int k = 0; k < list.size(); k++) {
            Object m = list.get(k);
            if (m instanceof NixPath p) {
                roots.add(new Module("<evalModules module " + k + ">", callPos.file(), "", List.of(new Module.Import(p.path(),
                        new Provenance(callPos.file(), callPos.line()))), List.of(), List.of()));
            } else {
                roots.add(convert.convert(m, "<module " + k + " of evalModules>", callPos.file()));
            }
        }
        ModuleSystem system = ModuleSystem.bare(cwd);
        Config config = system.evaluate(roots, view::bind);
        TreeMap<String, Object> out = new TreeMap<>();
        out.put("config", NixValues.toNix(config.toTree()));
        out.put("options", options(config.declarations()));
        return new NixAttrs(out, null);
    }

    private static NixAttrs options(List<OptionDecl> decls) {
        Map<String, Object> root = new TreeMap<>();
        for (OptionDecl d : decls) {
            Map<String, Object> cur = root;
            List<String> segs = d.segments();
            for (int k = 0; k < segs.size() - 1; k++) {
                @SuppressWarnings("unchecked")
                Map<String, Object> next = (Map<String, Object>) cur.computeIfAbsent(segs.get(k), x -> new TreeMap<>());
                cur = next;
            }
            Map<String, Object> opt = new TreeMap<>();
            opt.put("_type", "option");
            opt.put("description", d.description());
            opt.put("type", Map.of("name", d.type().name()));
            opt.put("declarations", List.of(d.declaredAt().toString()));
            cur.put(segs.get(segs.size() - 1), opt);
        }
        return (NixAttrs) NixValues.toNix(root);
    }

    @Override
    public String printed() {
        return "<PRIMOP>";
    }
}
