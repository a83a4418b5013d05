package io.hostspec.cli;

import io.hostspec.nix.Conformance;
import io.hostspec.nix.NixEvaluator;
import io.hostspec.nix.NixException;
import io.hostspec.nix.NixPrinter;
import io.hostspec.nix.internal.Calls;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./hostspec nix eval|parse|conformance}: the Nix language evaluator on its own, printing values as
 * {@code nix-instantiate --eval} does. Errors exit 2 with file:line:col and the chain of calls.
 */
@Command(name = "nix", description = "Evaluates Nix expressions with hostspec's evaluator.",
        subcommands = {NixCommand.Eval.class, NixCommand.Parse.class, NixCommand.Run.class})
final class NixCommand {

    private static final Duration LIMIT = Duration.ofMinutes(10);

    private static int fail(CommandSpec spec, NixException e) {
        PrintWriter err = spec.commandLine().getErr();
        err.println("error: " + e.getMessage());
        snippet(e, err);
        return Main.USAGE;
    }

    /** The source line of the error with a caret under its column, as Nix shows it. */
    private static void snippet(NixException e, PrintWriter err) {
        if (e.pos().line() <= 0) {
            return;
        }
        try {
            List<String> lines = java.nio.file.Files.readAllLines(Path.of(e.pos().file()));
            if (e.pos().line() <= lines.size()) {
                String n = String.valueOf(e.pos().line());
                err.println("  " + n + "| " + lines.get(e.pos().line() - 1));
                err.println("  " + " ".repeat(n.length()) + "| " + " ".repeat(Math.max(0, e.pos().col() - 1)) + "^");
            }
        } catch (java.io.IOException | RuntimeException ignored) {
            // «string» or an unreadable file: the position alone is shown
        }
    }

    /** {@code nix eval [--strict] [--json] FILE | --expr EXPR}. */
    @Command(name = "eval", description = "Evaluates a file or expression and prints its value like "
            + "nix-instantiate --eval.")
    static final class Eval implements Callable<Integer> {

        @Parameters(paramLabel = "FILE", arity = "0..1", description = "A .nix file.")
        Path file;

        @Option(names = "--expr", paramLabel = "EXPR", description = "Evaluate this expression instead of a file.")
        String expr;

        @Option(names = "--strict", description = "Evaluate the whole value, not only its top level.")
        boolean strict;

        @Option(names = "--json", description = "Print the value as JSON (implies --strict).")
        boolean json;

        @Option(names = "--xml", description = "Print the value as Nix's XML (implies --strict).")
        boolean xml;

        @Option(names = "-I", paramLabel = "PATH", description = "Add to the search path (prefix=path or path).")
        List<String> include = new ArrayList<>();

        @Option(names = "--arg", arity = "2", paramLabel = "NAME EXPR", description = "Argument for an auto-called "
                + "function, as an expression.")
        List<String> args = new ArrayList<>();

        @Option(names = "--argstr", arity = "2", paramLabel = "NAME VALUE", description = "Argument as a string.")
        List<String> argstrs = new ArrayList<>();

        @Option(names = {"-A", "--attr"}, paramLabel = "PATH", description = "Print this attribute of the value.")
        String attr;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            if ((file == null) == (expr == null)) {
                throw new IllegalArgumentException("give a FILE or --expr EXPR");
            }
            PrintWriter out = spec.commandLine().getOut();
            try {
                String printed = NixEvaluator.onLargeStack(() -> {
                    NixEvaluator nix = NixEvaluator.forProcess(include);
                    Map<String, Object> autoArgs = new LinkedHashMap<>();
                    for (int k = 0; k + 1 < args.size(); k += 2) {
                        autoArgs.put(args.get(k), nix.evalExpr(args.get(k + 1)));
                    }
                    for (int k = 0; k + 1 < argstrs.size(); k += 2) {
                        autoArgs.put(argstrs.get(k), argstrs.get(k + 1));
                    }
                    Object v = file != null ? nix.evalFile(file) : nix.evalExpr(expr);
                    v = Calls.autoCall(v, autoArgs);
                    if (attr != null) {
                        v = Calls.select(v, attr);
                    }
                    if (xml) {
                        return io.hostspec.nix.internal.Xml.write(v).stripTrailing();
                    }
                    return json ? Calls.toJson(v) : NixPrinter.print(v, strict);
                }, LIMIT);
                out.println(printed);
                return 0;
            } catch (NixException e) {
                return fail(spec, e);
            }
        }
    }

    /** {@code nix parse FILE}: checks syntax and variable scoping only. */
    @Command(name = "parse", description = "Parses a .nix file and reports syntax errors.")
    static final class Parse implements Callable<Integer> {

        @Parameters(paramLabel = "FILE")
        Path file;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            try {
                NixEvaluator.onLargeStack(() -> {
                    NixEvaluator.forProcess(List.of()).parse(file);
                    return null;
                }, LIMIT);
                return 0;
            } catch (NixException e) {
                return fail(spec, e);
            }
        }
    }

    /** {@code nix conformance DIR}: runs a folder of Nix language test cases. */
    @Command(name = "conformance", description = "Runs a folder of Nix language tests (eval-okay-*, eval-fail-*, "
            + "parse-okay-*) from its parent folder, one line per case and a total.")
    static final class Run implements Callable<Integer> {

        @Parameters(paramLabel = "DIR", description = "The folder of cases; it must be named lang.")
        Path dir;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<Conformance.Result> results = Conformance.run(dir);
            Map<String, int[]> totals = new LinkedHashMap<>();
            for (Conformance.Result r : results) {
                out.println(r.status() + " " + r.name() + (r.reason().isEmpty() ? "" : " " + r.reason()));
                String kind = r.name().substring(0, r.name().indexOf('-', r.name().indexOf('-') + 1));
                int[] t = totals.computeIfAbsent(kind, k -> new int[3]);
                t[r.status().ordinal()]++;
            }
            boolean allPass = true;
            for (Map.Entry<String, int[]> e : totals.entrySet()) {
                int[] t = e.getValue();
                int run = t[0] + t[1];
                out.printf("%s: %d/%d passed (%.1f%%), %d skipped%n", e.getKey(), t[0], run,
                        run == 0 ? 100.0 : 100.0 * t[0] / run, t[2]);
                allPass &= t[1] == 0;
            }
            out.flush();
            return allPass ? 0 : 1;
        }
    }
}
