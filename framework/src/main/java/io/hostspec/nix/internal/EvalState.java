package io.hostspec.nix.internal;

import io.hostspec.nix.NixAttrs;
import io.hostspec.nix.NixException;
import io.hostspec.nix.NixList;
import io.hostspec.nix.NixPath;
import io.hostspec.nix.Pos;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One evaluator: the built-ins, the search path, the cache of imported files, and how file names are shown. Not
 * thread-safe; evaluation runs on one thread.
 */
public final class EvalState {

    /** The folder of hostspec's own lib inside the class path, and the path Nix code sees for it. */
    public static final String LIB_DIR = "/hostspec/nixpkgs/lib";
    private static final String LIB_RESOURCE = "/io/hostspec/nix/lib/";

    /**
     * The settings of an evaluator.
     *
     * @param cwd      the working folder: relative paths of --expr and shown file names are relative to it
     * @param nixPath  the search path entries ({@code prefix=path} or {@code path}), in order
     * @param env      environment variables seen by {@code builtins.getEnv}
     * @param extra    values added to the global scope (e.g. hostspec's {@code pkgs} handling), may be empty
     */
    public record Settings(Path cwd, List<String> nixPath, Map<String, String> env, Map<String, Object> extra) {
    }

    final Settings settings;
    final String home;
    private final Map<String, Integer> globalSlots = new HashMap<>();
    private final List<Object> globalValues = new ArrayList<>();
    private Scope rootScope;
    private Env rootEnv;
    private final Map<String, Object> imports = new HashMap<>();
    final TreeMap<String, Object> builtins = new TreeMap<>();

    /** An evaluator with the given settings. */
    public EvalState(Settings settings) {
        this.settings = settings;
        this.home = settings.env().getOrDefault("HOME", "/");
        Registry r = new Registry();
        CoreBuiltins.install(r, this);
        DataBuiltins.install(r);
        TextBuiltins.install(r);
        IoBuiltins.install(r, this);
        settings.extra().forEach(r::constant);
        builtins.put("builtins", null);
        NixAttrs b = new NixAttrs(builtins, null);
        builtins.put("builtins", b);
        global("builtins", b);
        for (Map.Entry<String, Object> e : builtins.entrySet()) {
            global("__" + e.getKey(), e.getValue());
        }
        for (String g : List.of("abort", "baseNameOf", "break", "derivation", "derivationStrict", "dirOf",
                "fetchGit", "fetchMercurial", "fetchTarball", "fetchTree", "fromTOML", "import", "isNull", "map",
                "placeholder", "removeAttrs", "scopedImport", "throw", "toString")) {
            if (builtins.containsKey(g)) {
                global(g, builtins.get(g));
            }
        }
        global("true", true);
        global("false", false);
        global("null", io.hostspec.nix.NixNull.NULL);
        builtins.put("true", true);
        builtins.put("false", false);
        builtins.put("null", io.hostspec.nix.NixNull.NULL);
        settings.extra().forEach(this::global);
        List<String> names = new ArrayList<>(globalSlots.keySet());
        names.sort((a, c) -> Integer.compare(globalSlots.get(a), globalSlots.get(c)));
        rootScope = Scope.of(null, names);
        rootEnv = new Env(null, globalValues.toArray());
    }

    private void global(String name, Object value) {
        Integer slot = globalSlots.get(name);
        if (slot == null) {
            globalSlots.put(name, globalValues.size());
            globalValues.add(value);
        } else {
            globalValues.set(slot, value);
        }
    }

    /** Registers built-ins. */
    final class Registry {
        void def(String name, int arity, PrimOp.Impl impl) {
            builtins.put(name, new PrimOp(name, arity, impl));
        }

        void constant(String name, Object value) {
            builtins.put(name, value);
        }
    }

    // ---------------------------------------------------------------- evaluation entry points

    /** Parses and evaluates a file (memoized per file), returning its value unforced below the top. */
    public Object evalFile(Path file) {
        String abs = Paths.canon(file.toAbsolutePath().toString());
        return importFile(abs, Pos.NONE);
    }

    /** Parses and evaluates an expression; relative paths in it resolve against the working folder. */
    public Object evalString(String expr, String shownAs) {
        Expr e = Parser.parse(expr, shownAs, settings.cwd().toAbsolutePath().toString(), home);
        e.bind(rootScope);
        return e.eval(rootEnv);
    }

    /**
     * Parses and evaluates text that stands in a file without being one (a Gherkin docstring): positions name
     * {@code shownAs}; relative paths resolve against {@code baseDir}.
     */
    public Object evalText(String text, String shownAs, Path baseDir) {
        Expr e = Parser.parse(text, shownAs, Paths.canon(baseDir.toAbsolutePath().toString()), home);
        e.bind(rootScope);
        return e.eval(rootEnv);
    }

    /** Parses a file without evaluating it ({@code nix-instantiate --parse}). */
    public void parseOnly(Path file) {
        String abs = Paths.canon(file.toAbsolutePath().toString());
        Expr e = Parser.parse(read(abs, Pos.NONE), show(abs), Paths.dir(abs), home);
        e.bind(rootScope);
    }

    Object importFile(String abs, Pos pos) {
        Object cached = imports.get(abs);
        if (cached != null) {
            return cached;
        }
        String target = abs;
        if (isDirectory(abs)) {
            target = abs + "/default.nix";
        }
        String src = read(target, pos);
        Expr e = Parser.parse(src, show(target), Paths.dir(target), home);
        e.bind(rootScope);
        Object v = e.eval(rootEnv);
        imports.put(abs, v);
        return v;
    }

    /** Evaluates a file in a scope extended with the given variables ({@code scopedImport}). */
    Object scopedImport(NixAttrs scope, String abs, Pos pos) {
        String target = isDirectory(abs) ? abs + "/default.nix" : abs;
        Expr e = Parser.parse(read(target, pos), show(target), Paths.dir(target), home);
        List<String> names = new ArrayList<>(scope.map().keySet());
        Scope s = Scope.of(rootScope, names);
        e.bind(s);
        return e.eval(new Env(rootEnv, scope.map().values().toArray()));
    }

    /** A file name as shown in messages: relative to the working folder when inside it. */
    String show(String abs) {
        Path cwd = settings.cwd().toAbsolutePath().normalize();
        Path p = Path.of(abs);
        return p.startsWith(cwd) && !p.equals(cwd) ? cwd.relativize(p).toString() : abs;
    }

    boolean isVirtual(String abs) {
        return abs.equals(LIB_DIR) || abs.startsWith(LIB_DIR + "/");
    }

    boolean isDirectory(String abs) {
        if (isVirtual(abs)) {
            return abs.equals(LIB_DIR);
        }
        return Files.isDirectory(Path.of(abs));
    }

    boolean exists(String abs) {
        if (isVirtual(abs)) {
            return abs.equals(LIB_DIR) || resource(abs) != null;
        }
        return Files.exists(Path.of(abs));
    }

    private InputStream resource(String abs) {
        return EvalState.class.getResourceAsStream(LIB_RESOURCE + abs.substring(LIB_DIR.length() + 1));
    }

    /** The text of a file (hostspec's lib comes from the class path). */
    String read(String abs, Pos pos) {
        if (isVirtual(abs)) {
            try (InputStream in = resource(abs)) {
                if (in == null) {
                    throw new NixException("path '" + abs + "' does not exist", pos);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new NixException("cannot read '" + abs + "': " + e.getMessage(), pos);
            }
        }
        try {
            return Files.readString(Path.of(abs));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new NixException("path '" + abs + "' does not exist", pos);
        } catch (IOException e) {
            try {
                return new String(Files.readAllBytes(Path.of(abs)), StandardCharsets.ISO_8859_1);
            } catch (IOException e2) {
                throw new NixException("cannot read '" + abs + "': " + e.getMessage(), pos);
            }
        }
    }

    /** The search path as Nix exposes it: a list of {@code { prefix; path; }}. */
    NixList nixPath() {
        List<Object> out = new ArrayList<>();
        for (String entry : settings.nixPath()) {
            int eq = entry.indexOf('=');
            TreeMap<String, Object> m = new TreeMap<>();
            m.put("prefix", eq < 0 ? "" : entry.substring(0, eq));
            String path = eq < 0 ? entry : entry.substring(eq + 1);
            m.put("path", Paths.canon(Path.of(path).isAbsolute() ? path
                    : settings.cwd().toAbsolutePath() + "/" + path));
            out.add(new NixAttrs(m, null));
        }
        return NixList.of(out);
    }

    /** {@code <name>}: hostspec's lib for {@code nixpkgs/lib}, else the first search path entry that has it. */
    Object findFile(NixList path, String name, Pos pos) {
        if (name.equals("nixpkgs/lib") || name.startsWith("nixpkgs/lib/")) {
            return new NixPath(LIB_DIR + name.substring("nixpkgs/lib".length()));
        }
        for (int k = 0; k < path.size(); k++) {
            NixAttrs e = Ops.attrs(path.get(k), pos);
            String prefix = Ops.string(e.get("prefix"), pos);
            String dir = Ops.coerce(e.get("path"), pos, false);
            String candidate;
            if (prefix.isEmpty()) {
                candidate = dir + "/" + name;
            } else if (name.equals(prefix)) {
                candidate = dir;
            } else if (name.startsWith(prefix + "/")) {
                candidate = dir + name.substring(prefix.length());
            } else {
                continue;
            }
            candidate = Paths.canon(candidate);
            if (exists(candidate)) {
                return new NixPath(candidate);
            }
        }
        if (name.equals("nixpkgs") || name.startsWith("nixpkgs/")) {
            throw new NixException.Catchable("<" + name + ">: hostspec has no nixpkgs package set; it reads modules "
                    + "and realizes them as Debian packages. Use <nixpkgs/lib> for the library, and pkgs.NAME in "
                    + "modules.", pos);
        }
        throw new NixException.Catchable("file '" + name + "' was not found in the Nix search path (add it using "
                + "$NIX_PATH or -I)", pos);
    }
}
