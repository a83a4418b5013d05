package io.hostspec.cli;

import io.hostspec.host.Hosts;
import io.hostspec.module.Config;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code ./hostspec eval HOST [--option PATH]}: the evaluated configuration as JSON. Builds and boots nothing. */
@Command(name = "eval", description = "Prints the evaluated configuration of a host as JSON.")
final class EvalCommand implements Callable<Integer> {

    @Parameters(paramLabel = "HOST", description = "A host under vm-images/hosts (xoa or hosts/xoa) or a .toml file.")
    String host;

    @Option(names = "--option", paramLabel = "PATH", description = "Print only this option's value.")
    String option;

    @Mixin
    ProjectOptions projectOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Hosts hosts = new Hosts(projectOptions.project());
        Config config = hosts.configure(hosts.resolve(host));
        config.unrealized().forEach(d -> spec.commandLine().getErr().println("hostspec: warning: `" + d.optionName()
                + "' at " + d.where() + " is a NixOS option hostspec does not realize; it has no effect"));
        Object out = option == null ? config.toTree() : config.get(option);
        spec.commandLine().getOut().println(Json.write(out));
        return 0;
    }
}
