package io.hostspec.cli;

import io.hostspec.report.ConsoleProgress;
import io.hostspec.report.RunLog;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;

/** How much a command shows on the console: progress and results, or with {@code -v} the whole log as well. */
final class ConsoleOptions {

    @Option(names = {"-v", "--verbose"}, description = "Show the whole log on the console too (it is always in "
            + "<report-dir>/" + RunLog.FILE_NAME + ").")
    boolean verbose = Boolean.getBoolean(RunLog.VERBOSE_PROPERTY);

    /**
     * The console of a run writing to {@code out}, on this JVM's terminal if it has one, with the run's whole log in
     * {@code <reportDir>/hostspec.log}.
     */
    ConsoleProgress console(PrintWriter out, Path reportDir) {
        return new ConsoleProgress(out, ConsoleProgress.Terminal.detect(), verbose, reportDir.resolve(RunLog.FILE_NAME));
    }
}
