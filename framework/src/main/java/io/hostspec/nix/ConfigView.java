package io.hostspec.nix;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.OptionPath;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/**
 * The {@code config} argument of .nix modules: a lazy Nix set over hostspec's evaluated configuration. Before the
 * evaluation starts (while modules are being read) reading it throws {@link NotYet}, which the reader takes as "compute
 * this definition later".
 */
final class ConfigView {

    /** Thrown when a module reads config while modules are still being read. */
    static final class NotYet extends RuntimeException {
        NotYet() {
            super("config is not available while modules are read", null, false, false);
        }
    }

    private Config config;

    void bind(Config c) {
        this.config = c;
    }

    /** The {@code config} value: a thunk, forced only when a module reads it. */
    Object value() {
        return new Thunk() {
            @Override
            protected Object compute() {
                if (config == null) {
                    throw new NotYet();
                }
                return node(List.of(), config.declarations());
            }

            @Override
            protected Pos pos() {
                return Pos.NONE;
            }
        };
    }

    private NixAttrs node(List<String> path, List<OptionDecl> decls) {
        TreeMap<String, Object> m = new TreeMap<>();
        boolean named = false;
        for (OptionDecl d : decls) {
            List<String> segs = d.segments();
            if (segs.size() <= path.size() || !matches(segs, path)) {
                continue;
            }
            String next = segs.get(path.size());
            if (next.equals("<name>")) {
                named = true;
                continue;
            }
            addChild(m, path, next, segs.size() == path.size() + 1, decls);
        }
        if (named) {
            for (String n : config.names(path)) {
                addChild(m, path, n, false, decls);
            }
        }
        return new NixAttrs(m, null);
    }

    private void addChild(TreeMap<String, Object> m, List<String> path, String key, boolean leaf,
                          List<OptionDecl> decls) {
        if (m.containsKey(key)) {
            return;
        }
        List<String> child = new ArrayList<>(path);
        child.add(key);
        m.put(key, new Thunk() {
            @Override
            protected Object compute() {
                return leaf ? NixValues.toNix(config.get(child)) : node(child, decls);
            }

            @Override
            protected Pos pos() {
                return new Pos("config." + OptionPath.format(child), 0, 0);
            }
        });
    }

    private static boolean matches(List<String> declared, List<String> concrete) {
        for (int k = 0; k < concrete.size(); k++) {
            String d = declared.get(k);
            if (!d.equals("<name>") && !d.equals(concrete.get(k))) {
                return false;
            }
        }
        return true;
    }

}
