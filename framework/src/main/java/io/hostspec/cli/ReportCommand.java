package io.hostspec.cli;

import io.hostspec.host.Project;
import io.hostspec.report.CoverageReport;
import io.hostspec.report.ReportMerge;
import io.hostspec.report.RunSummary;
import io.hostspec.report.Timeline;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code ./hostspec report merge DIR... --out DIR}: one report from the report folders of several CI jobs. */
@Command(name = "report", description = "Reports of several runs or CI jobs.", subcommands = ReportCommand.Merge.class)
final class ReportCommand {

    /**
     * Merges report folders (summary.json, allure-results/, coverage, timeline) into one and generates the Allure HTML
     * when the Allure command line is available. Exit 0 when merged (the jobs' own exit codes carry their failures),
     * 2 when an input is not a report folder.
     */
    @Command(name = "merge", description = "Merges the report folders of several CI jobs or runs into one.")
    static final class Merge implements Callable<Integer> {

        @Parameters(paramLabel = "DIR", arity = "1..*", description = "Report folders (each job's --report-dir).")
        List<Path> inputs;

        @Option(names = "--out", paramLabel = "DIR", required = true, description = "Folder for the merged report.")
        Path out;

        @Option(names = "--history", paramLabel = "DIR", description = "The previous merged report (or its "
                + "allure-report/ or allure-report/history/): Allure's trends continue from it.")
        Path history;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            ReportMerge.Result merged = ReportMerge.merge(inputs, out, history);
            PrintWriter w = spec.commandLine().getOut();
            for (Map<String, Object> job : merged.jobs()) {
                w.println(job.containsKey("missing") ? String.format("  %-40s no %s", job.get("name"),
                        job.get("missing")) : String.format("  %-40s %3d passed %3d failed %3d skipped",
                        job.get("name"), job.get("passed"), job.get("failed"), job.get("skipped")));
            }
            w.printf("%nmerged %d reports: %d passed, %d failed, %d skipped (%d scenarios, each once)%n",
                    merged.jobs().size(), merged.count("passed"), merged.count("failed"), merged.count("skipped"),
                    merged.scenarios().size());
            merged.notes().forEach(n -> w.println("note: " + n));
            if (!merged.coverage().hosts().isEmpty()) {
                w.print("\nConfiguration coverage:\n" + merged.coverage().oneLiners());
            }
            Path dir = out.toAbsolutePath();
            w.println("\nMerged report in " + dir + ":");
            w.println("  " + RunSummary.FILE + "       every scenario once, with the jobs' counts");
            w.println("  " + CoverageReport.HTML_FILE + "      configuration coverage (" + CoverageReport.JSON_FILE
                    + ")");
            w.println("  " + Timeline.SVG_FILE + "       one lane group per job (" + Timeline.JSON_FILE + ")");
            w.println("  " + ReportMerge.ALLURE_RESULTS + "/    " + merged.allure());
            w.println(AllureHtml.generate(Project.current().root(), dir));
            return 0;
        }
    }
}
