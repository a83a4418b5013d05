package io.hostspec.nix.internal;

import io.hostspec.nix.NixAttrs;
import io.hostspec.nix.NixException;
import io.hostspec.nix.NixPath;
import io.hostspec.nix.Pos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Built-ins that read files and the environment, and the ones hostspec refuses: derivations, fetchers and the store,
 * which would need a Nix store and builds; hostspec reads modules and realizes them as Debian packages instead.
 */
final class IoBuiltins {

    private IoBuiltins() {
    }

    static void install(EvalState.Registry r, EvalState state) {
        r.def("import", 1, (a, p) -> state.importFile(path(a[0], p), p));
        r.def("scopedImport", 2, (a, p) -> state.scopedImport(Ops.attrs(a[0], p), path(a[1], p), p));
        r.def("readFile", 1, (a, p) -> state.read(path(a[0], p), p));
        r.def("pathExists", 1, (a, p) -> {
            Object v = Ops.force(a[0]);
            String raw = v instanceof NixPath np ? np.path() : Ops.coerce(v, p, false);
            String abs = path(v, p);
            boolean mustBeDir = raw.endsWith("/") || raw.endsWith("/.");
            return mustBeDir ? state.isDirectory(abs) : state.exists(abs);
        });
        r.def("readFileType", 1, (a, p) -> type(Path.of(path(a[0], p)), p));
        r.def("readDir", 1, (a, p) -> {
            Path dir = Path.of(path(a[0], p));
            TreeMap<String, Object> m = new TreeMap<>();
            try (Stream<Path> s = Files.list(dir)) {
                s.forEach(f -> m.put(f.getFileName().toString(), type(f, p)));
            } catch (IOException e) {
                throw new NixException("cannot read directory '" + dir + "': " + e.getMessage(), p);
            }
            return new NixAttrs(m, null);
        });
        r.def("getEnv", 1, (a, p) -> state.settings.env().getOrDefault(Ops.string(a[0], p), ""));
        r.def("findFile", 2, (a, p) -> state.findFile(Ops.list(a[0], p), Ops.string(a[1], p), p));
        r.constant("nixPath", state.nixPath());
        r.def("toPath", 1, (a, p) -> path(a[0], p));
        r.def("hashFile", 2, (a, p) -> {
            String file = path(a[1], p);
            try {
                String algo = switch (Ops.string(a[0], p)) {
                    case "md5" -> "MD5";
                    case "sha1" -> "SHA-1";
                    case "sha256" -> "SHA-256";
                    case "sha512" -> "SHA-512";
                    default -> throw new NixException("unknown hash algorithm", p);
                };
                return HexFormat.of().formatHex(MessageDigest.getInstance(algo).digest(Files.readAllBytes(
                        Path.of(file))));
            } catch (java.nio.file.NoSuchFileException e) {
                throw new NixException("path '" + file + "' does not exist", p);
            } catch (IOException | java.security.NoSuchAlgorithmException e) {
                throw new NixException("cannot hash '" + file + "': " + e.getMessage(), p);
            }
        });
        r.constant("currentTime", System.currentTimeMillis() / 1000);
        for (String name : new String[]{"derivation", "derivationStrict", "fetchurl", "fetchTarball", "fetchGit",
            "fetchMercurial", "fetchTree", "fetchClosure", "storePath", "toFile", "filterSource", "path",
            "placeholder", "outputOf"}) {
            r.def(name, 1, (a, p) -> {
                throw new NixException("builtins." + name + " is not supported: hostspec does not build packages or "
                        + "use a Nix store; it evaluates modules and realizes them as Debian packages (use pkgs.NAME)",
                        p);
            });
        }
    }

    /** A path argument as an absolute path string. */
    static String path(Object v, Pos p) {
        Object f = Ops.force(v);
        String s = f instanceof NixPath np ? np.path() : Ops.coerce(f, p, false);
        if (!s.startsWith("/")) {
            throw new NixException("string '" + s + "' doesn't represent an absolute path", p);
        }
        return Paths.canon(s);
    }

    private static String type(Path f, Pos p) {
        if (Files.isSymbolicLink(f)) {
            return "symlink";
        }
        if (Files.isDirectory(f, LinkOption.NOFOLLOW_LINKS)) {
            return "directory";
        }
        if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) {
            return "regular";
        }
        if (!Files.exists(f, LinkOption.NOFOLLOW_LINKS)) {
            throw new NixException("path '" + f + "' does not exist", p);
        }
        return "unknown";
    }

}
