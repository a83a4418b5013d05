package io.hostspec.cli;

import io.hostspec.host.Project;
import io.hostspec.host.OptionReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code ./hostspec options [--markdown]}: every option the built-in namespace and the module library declare. */
@Command(name = "options", description = "Prints the option reference (built-in namespace and module library).")
final class OptionsCommand implements Callable<Integer> {

    @Option(names = "--markdown", description = "Markdown, as in docs/options.md.")
    boolean markdown;

    @Mixin
    ProjectOptions projectOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Project project = projectOptions.project();
        OptionReference reference = OptionReference.of(project.root(), project.modulePaths());
        spec.commandLine().getOut().print(markdown ? reference.markdown() : reference.text());
        return 0;
    }
}
