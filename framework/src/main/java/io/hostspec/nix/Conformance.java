package io.hostspec.nix;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Runs a folder of Nix language test cases the way Nix's own harness does (a folder named {@code lang}, evaluated
 * from its parent as {@code lang/NAME.nix}, with {@code NIX_PATH=lang/dir3:lang/dir4}, {@code HOME=/fake-home},
 * {@code TEST_VAR=foo}, the working folder shown as {@code /pwd}): {@code eval-okay-*} must print their
 * {@code .exp}, {@code eval-fail-*} must fail with a message naming file:line, {@code parse-okay-*} must parse.
 */
public final class Conformance {

    private static final Duration PER_CASE = Duration.ofSeconds(20);
    private static final String OUT_OF_SCOPE = "hostspec does not build packages";
    private static final Pattern FILE_LINE = Pattern.compile("\\S+\\.nix:\\d+");

    /** The outcome of one case. */
    public enum Status { PASS, FAIL, SKIP }

    /**
     * One case's result.
     *
     * @param name   e.g. {@code eval-okay-attrs}
     * @param status pass, fail or skip
     * @param reason why it failed or was skipped; empty when it passed
     */
    public record Result(String name, Status status, String reason) {
    }

    private Conformance() {
    }

    /**
     * Runs every case of a folder.
     *
     * @param dir the folder of cases (named lang)
     */
    public static List<Result> run(Path dir) {
        Path lang = dir.toAbsolutePath().normalize();
        Path cwd = lang.getParent();
        List<String> names;
        try (Stream<Path> s = Files.list(lang)) {
            names = s.map(p -> p.getFileName().toString())
                    .filter(n -> n.endsWith(".nix") && (n.startsWith("eval-okay-") || n.startsWith("eval-fail-")
                            || n.startsWith("parse-okay-")))
                    .map(n -> n.substring(0, n.length() - 4)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Result> out = new ArrayList<>();
        for (String name : names) {
            out.add(runCase(lang, cwd, name));
        }
        return out;
    }

    private static Result runCase(Path lang, Path cwd, String name) {
        Path nix = lang.resolve(name + ".nix");
        boolean xml = !Files.exists(lang.resolve(name + ".exp")) && Files.exists(lang.resolve(name + ".exp.xml"));
        if (name.startsWith("eval-okay-") && !xml && !Files.exists(lang.resolve(name + ".exp"))) {
            return new Result(name, Status.SKIP, "disabled upstream (.exp-disabled)");
        }
        List<String> flags = flags(lang.resolve(name + ".flags"));
        int experimental = flags.indexOf("--extra-experimental-features");
        if (experimental >= 0) {
            return new Result(name, Status.SKIP, "needs the experimental feature " + flags.get(experimental + 1));
        }
        Map<String, String> env = Map.of("HOME", "/fake-home", "TEST_VAR", "foo");
        List<String> nixPath = List.of("lang/dir3", "lang/dir4");
        try {
            return NixEvaluator.onLargeStack(() -> {
                NixEvaluator nixEval = NixEvaluator.create(cwd, nixPath, env, Map.of());
                if (name.startsWith("parse-okay-")) {
                    nixEval.parse(nix);
                    return new Result(name, Status.PASS, "");
                }
                try {
                    Object v = evaluate(nixEval, nix, flags);
                    String printed = (xml ? io.hostspec.nix.internal.Xml.write(v) : NixPrinter.print(v, true))
                            .replace(cwd.toString(), "/pwd").stripTrailing();
                    if (name.startsWith("eval-fail-")) {
                        return new Result(name, Status.FAIL, "evaluated to " + shorten(printed) + " but must fail");
                    }
                    String expected = Files.readString(lang.resolve(name + (xml ? ".exp.xml" : ".exp")))
                            .stripTrailing();
                    return printed.equals(expected) ? new Result(name, Status.PASS, "")
                            : new Result(name, Status.FAIL, "printed " + shorten(printed) + ", expected "
                            + shorten(expected));
                } catch (NixException e) {
                    String msg = e.getMessage();
                    if (name.startsWith("eval-fail-")) {
                        return FILE_LINE.matcher(msg).find() ? new Result(name, Status.PASS, "")
                                : new Result(name, Status.FAIL, "failed without file:line: " + firstLine(msg));
                    }
                    if (msg.contains(OUT_OF_SCOPE)) {
                        return new Result(name, Status.SKIP, "out of scope: " + firstLine(msg).replaceFirst(
                                " is not supported.*", " (derivations and the store)"));
                    }
                    return new Result(name, Status.FAIL, "error: " + firstLine(msg) + " at " + e.pos());
                }
            }, PER_CASE);
        } catch (NixException e) {
            return new Result(name, name.startsWith("eval-fail-") && FILE_LINE.matcher(e.getMessage()).find()
                    ? Status.PASS : Status.FAIL, name.startsWith("eval-fail-") && FILE_LINE.matcher(e.getMessage())
                    .find() ? "" : firstLine(e.getMessage()));
        } catch (RuntimeException | Error e) {
            return new Result(name, Status.FAIL, "crashed: " + e);
        }
    }

    private static Object evaluate(NixEvaluator nixEval, Path nix, List<String> flags) {
        Map<String, Object> args = new LinkedHashMap<>();
        String attr = null;
        for (int k = 0; k < flags.size(); k++) {
            switch (flags.get(k)) {
                case "--arg" -> {
                    args.put(flags.get(k + 1), nixEval.evalExpr(flags.get(k + 2)));
                    k += 2;
                }
                case "--argstr" -> {
                    args.put(flags.get(k + 1), flags.get(k + 2));
                    k += 2;
                }
                case "-A" -> attr = flags.get(++k);
                default -> {
                }
            }
        }
        Object v = io.hostspec.nix.internal.Calls.autoCall(nixEval.evalFile(nix), args);
        return attr == null ? v : io.hostspec.nix.internal.Calls.select(v, attr);
    }

    private static List<String> flags(Path file) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return List.of(Files.readString(file).trim().split("\\s+"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String shorten(String s) {
        return s.length() > 160 ? s.substring(0, 160) + "…" : s;
    }
}
