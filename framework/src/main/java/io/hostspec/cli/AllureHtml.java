package io.hostspec.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Turns {@code <report-dir>/allure-results} into {@code <report-dir>/allure-report} with the Allure command line that
 * {@code mvn verify} (allure-maven) unpacks under {@code scenarios/.allure}, or {@code allure} on the PATH. Without
 * either, says how to get the HTML. Never fails the run.
 */
final class AllureHtml {

    /** Bound for the report generation. */
    static final Duration TIMEOUT = Duration.ofMinutes(2);
    /** System property that turns the generation off ({@code false}): tests that run many small runs. */
    static final String PROPERTY = "hostspec.allureHtml";

    private AllureHtml() {
    }

    /** Generates the HTML if a command line is available; returns the line to print. */
    static String generate(Path root, Path reportDir) {
        Path results = reportDir.resolve("allure-results");
        Path html = reportDir.resolve("allure-report");
        if (!Files.isDirectory(results)) {
            return "Allure: no results in " + results;
        }
        if ("false".equals(System.getProperty(PROPERTY))) {
            return "Allure HTML: not generated (-D" + PROPERTY + "=false); results in " + results;
        }
        String allure = commandLine(root);
        if (allure == null) {
            return "Allure HTML: run `mvn -pl scenarios verify` once (it fetches the Allure command line), or "
                    + "`allure generate " + results + " -o " + html + "`";
        }
        try {
            Process p = new ProcessBuilder(allure, "generate", "--clean", results.toString(), "-o", html.toString())
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "Allure HTML: generation took longer than " + TIMEOUT.toSeconds() + " s; results in " + results;
            }
            return p.exitValue() == 0 ? "Allure HTML: " + html.resolve("index.html")
                    : "Allure HTML: `" + allure + " generate` exited " + p.exitValue() + "; results in " + results;
        } catch (IOException e) {
            return "Allure HTML: cannot run " + allure + ": " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Allure HTML: interrupted";
        }
    }

    private static String commandLine(Path root) {
        Path unpacked = root.resolve("scenarios/.allure");
        if (Files.isDirectory(unpacked)) {
            try (Stream<Path> dirs = Files.list(unpacked)) {
                var bin = dirs.sorted(java.util.Comparator.reverseOrder()).map(d -> d.resolve("bin/allure"))
                        .filter(Files::isExecutable).findFirst();
                if (bin.isPresent()) {
                    return bin.get().toString();
                }
            } catch (IOException e) {
                // fall through to the PATH
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "allure"))) {
                return Path.of(dir, "allure").toString();
            }
        }
        return null;
    }
}
