package io.hostspec.machine;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The command verbs and waits of {@link Machine}, written once for every backend on the one retry primitive
 * ({@link Wait}): each runs commands through {@link Machine#execute(String, Duration)}, fails fast through
 * {@link Machine#failIfStopped()} and attaches the console tail ({@link Evidence#console(Machine)}) to a failure.
 */
final class Waits {

    private Waits() {
    }

    static String succeed(Machine m, String command) {
        ExecResult result = m.execute(command);
        if (!result.succeeded()) {
            throw new MachineException(m.name(), "[" + m.name() + "] command failed with exit code " + result.exitCode()
                    + ": `" + command + "`" + Evidence.output(result) + Evidence.console(m), result, null);
        }
        return result.stdout();
    }

    static String fail(Machine m, String command) {
        ExecResult result = m.execute(command);
        if (result.succeeded()) {
            throw new MachineException(m.name(), "[" + m.name() + "] command unexpectedly succeeded: `" + command + "`"
                    + Evidence.output(result), result, null);
        }
        return result.stdout();
    }

    static String command(Machine m, String command, Duration timeout, boolean wantSuccess) {
        String name = "`" + command + "` " + (wantSuccess ? "succeeds" : "fails") + " on " + m.name();
        StringBuilder output = new StringBuilder();
        timed(m, name, () -> Wait.until(m.name(), name, wantSuccess ? "exit code 0" : "a non-zero exit code", timeout,
                m::failIfStopped, remaining -> {
                    ExecResult result = m.execute(command, remaining);
                    output.setLength(0);
                    output.append(result.stdout());
                    String seen = "exit code " + result.exitCode() + Evidence.brief(result);
                    return result.succeeded() == wantSuccess ? Wait.Observation.satisfied(seen)
                            : Wait.Observation.notYet(seen);
                }, () -> Evidence.console(m)));
        return output.toString();
    }

    static void unit(Machine m, String unit, Duration timeout) {
        String name = "unit " + unit + " active on " + m.name();
        timed(m, name, () -> Wait.until(m.name(), name, "ActiveState=active", timeout, m::failIfStopped, remaining -> {
            ExecResult result = m.execute("systemctl show --property=ActiveState,SubState,LoadState "
                    + Shell.quote(unit) + "; echo JOBS=$(systemctl list-jobs --no-legend | wc -l)", remaining);
            String seen = result.stdout().strip().replace('\n', ' ');
            if (seen.contains("ActiveState=active")) {
                return Wait.Observation.satisfied(seen);
            }
            boolean terminal = seen.contains("ActiveState=failed")
                    || seen.contains("LoadState=not-found")
                    || (seen.contains("ActiveState=inactive") && seen.contains("JOBS=0"));
            if (terminal) {
                throw new MachineException(m.name(), "[" + m.name() + "] unit " + unit + " will not become active: "
                        + seen + Evidence.unit(m, unit) + Evidence.console(m), result, null);
            }
            return Wait.Observation.notYet(seen);
        }, () -> Evidence.console(m)));
    }

    static void check(Machine m, String name, String expected, String check, Duration timeout) {
        timed(m, name, () -> Wait.until(m.name(), name, expected, timeout, m::failIfStopped, remaining -> {
            ExecResult result = m.execute(check, remaining);
            String seen = "check `" + check + "` exited " + result.exitCode() + Evidence.brief(result);
            return result.succeeded() ? Wait.Observation.satisfied(seen) : Wait.Observation.notYet(seen);
        }, () -> Evidence.console(m)));
    }

    static String output(Machine m, String name, String expected, String command, Predicate<String> accept,
                         Duration timeout) {
        return timed(m, name, () -> Wait.until(m.name(), name, expected, timeout, m::failIfStopped, remaining -> {
            ExecResult result = m.execute(command, remaining);
            String seen = result.stdout().strip();
            String shown = seen.isEmpty() ? "(no output, exit " + result.exitCode() + ")" : Evidence.tail(seen);
            return accept.test(result.stdout()) ? Wait.Observation.satisfied(seen) : Wait.Observation.notYet(shown);
        }, () -> Evidence.console(m)));
    }

    private static <T> T timed(Machine m, String title, Supplier<T> body) {
        try (LogSection section = LogSection.open(m.name(), "wait for " + title)) {
            try {
                return body.get();
            } catch (RuntimeException e) {
                throw section.failed(e);
            }
        }
    }
}
