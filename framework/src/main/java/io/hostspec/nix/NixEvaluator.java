package io.hostspec.nix;

import io.hostspec.nix.internal.EvalState;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Hostspec's evaluator of the Nix language: parses files and expressions and evaluates them lazily, with Nix's
 * built-ins (minus derivations, fetchers and the store) and hostspec's lib at {@code <nixpkgs/lib>}.
 * Not thread-safe: one evaluator per thread of use. Deeply recursive Nix code needs a large stack: run the
 * evaluation inside {@link #onLargeStack}.
 */
public final class NixEvaluator {

    /** The stack given to evaluation threads: Nix data nests deeply and the evaluator recurses with it. */
    public static final long STACK_BYTES = 512L * 1024 * 1024;

    private final EvalState state;

    private NixEvaluator(EvalState state) {
        this.state = state;
    }

    /**
     * An evaluator.
     *
     * @param cwd     the working folder (relative paths of expressions, shown file names)
     * @param nixPath search path entries, {@code prefix=path} or {@code path}
     * @param env     environment variables visible to {@code builtins.getEnv}
     * @param extra   extra global names (e.g. for modules), may be empty
     */
    public static NixEvaluator create(Path cwd, List<String> nixPath, Map<String, String> env,
                                      Map<String, Object> extra) {
        return new NixEvaluator(new EvalState(new EvalState.Settings(cwd, nixPath, env, extra)));
    }

    /** An evaluator for the current process: working folder, NIX_PATH and environment. */
    public static NixEvaluator forProcess(List<String> extraSearchPath) {
        List<String> path = new java.util.ArrayList<>(extraSearchPath);
        String nixPath = System.getenv("NIX_PATH");
        if (nixPath != null) {
            for (String e : nixPath.split(":")) {
                if (!e.isBlank()) {
                    path.add(e);
                }
            }
        }
        return create(Path.of("").toAbsolutePath(), path, System.getenv(),
                Map.of("hostspecEvalModules", new EvalModulesHook()));
    }

    /**
     * Evaluates a file.
     *
     * @throws NixException with file:line:col and the chain of calls
     */
    public Object evalFile(Path file) {
        return state.evalFile(file);
    }

    /**
     * Evaluates an expression.
     *
     * @throws NixException with position and the chain of calls
     */
    public Object evalExpr(String expr) {
        return state.evalString(expr, "«string»");
    }

    /**
     * Evaluates text written inside another file (a Gherkin docstring).
     *
     * @param text    the Nix expression
     * @param shownAs the file positions name
     * @param baseDir the folder relative paths in the text resolve against
     * @throws NixException with position and the chain of calls
     */
    public Object evalText(String text, String shownAs, Path baseDir) {
        return state.evalText(text, shownAs, baseDir);
    }

    /**
     * Parses a file without evaluating it.
     *
     * @throws NixException a syntax error (or an undefined variable) with its position
     */
    public void parse(Path file) {
        state.parseOnly(file);
    }

    /** Calls a function value with one argument (which may be lazy). */
    public static Object call(Object function, Object arg) {
        return Thunk.force(io.hostspec.nix.internal.Calls.apply(function, arg));
    }

    /**
     * Runs work on a thread with a {@link #STACK_BYTES} stack and waits for it. A stack overflow becomes a
     * {@link NixException}; runtime exceptions are rethrown as they are.
     *
     * @param timeout how long to wait before giving up with an IllegalStateException
     */
    public static <T> T onLargeStack(Callable<T> work, Duration timeout) {
        AtomicReference<Object> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                result.set(work.call());
            } catch (StackOverflowError e) {
                failure.set(new NixException("stack overflow; the evaluation recursed too deeply (infinite "
                        + "recursion?)", Pos.NONE));
            } catch (Throwable e) {
                failure.set(e);
            }
        }, "nix-eval", STACK_BYTES);
        t.setDaemon(true);
        t.start();
        try {
            t.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while evaluating", e);
        }
        if (t.isAlive()) {
            t.interrupt();
            throw new IllegalStateException("the evaluation did not finish within " + timeout.toSeconds() + " s");
        }
        Throwable f = failure.get();
        if (f instanceof RuntimeException re) {
            throw re;
        }
        if (f instanceof Error err) {
            throw err;
        }
        if (f != null) {
            throw new IllegalStateException(f);
        }
        @SuppressWarnings("unchecked")
        T out = (T) result.get();
        return out;
    }
}
