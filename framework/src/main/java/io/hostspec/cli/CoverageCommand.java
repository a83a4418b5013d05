package io.hostspec.cli;

import io.hostspec.report.CoverageReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code ./hostspec coverage merge A B ... --out DIR}: merges coverage of several runs or CI shards. */
@Command(name = "coverage", description = "Configuration coverage reports.", subcommands = CoverageCommand.Merge.class)
final class CoverageCommand {

    /** Merges coverage.json files (or report folders holding one) into DIR/coverage.json and DIR/coverage.html. */
    @Command(name = "merge", description = "Merges coverage.json files or report folders into one report.")
    static final class Merge implements Callable<Integer> {

        @Parameters(paramLabel = "REPORT", arity = "1..*", description = "coverage.json files or report folders.")
        List<Path> inputs;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the merged report.")
        Path out;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            CoverageReport merged = CoverageReport.merge(inputs.stream().map(CoverageReport::read).toList());
            Path json = merged.writeTo(out);
            spec.commandLine().getOut().print(merged.oneLiners());
            spec.commandLine().getOut().println("merged " + inputs.size() + " reports into " + json + " and "
                    + json.resolveSibling(CoverageReport.HTML_FILE));
            return 0;
        }
    }
}
