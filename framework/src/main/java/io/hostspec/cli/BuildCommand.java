package io.hostspec.cli;

import io.hostspec.host.EvaluatedHost;
import io.hostspec.host.Hosts;
import io.hostspec.image.BuiltImage;
import io.hostspec.image.HostTools;
import io.hostspec.image.ImageBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** {@code ./hostspec build HOST}: builds the host's image (or finds it in the cache); prints its path and hash. */
@Command(name = "build", description = "Builds a host's image; prints its cache path and hash.")
final class BuildCommand implements Callable<Integer> {

    @Parameters(paramLabel = "HOST", description = "A host under vm-images/hosts (xoa or hosts/xoa) or a .toml file.")
    String host;

    @Mixin
    ProjectOptions projectOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        Hosts hosts = new Hosts(projectOptions.project());
        EvaluatedHost evaluated = hosts.evaluate(hosts.resolve(host));
        HostTools.ensureVmBackend();
        PrintWriter err = spec.commandLine().getErr();
        long start = System.nanoTime();
        BuiltImage image = ImageBuilder.create().withListener((name, stage, elapsed) -> {
            err.printf("[%s] %s: %.1f s%n", name, stage.label(), elapsed.toMillis() / 1000.0);
            err.flush();
        }).build(evaluated.recipe());
        PrintWriter out = spec.commandLine().getOut();
        out.println("image  " + image.disk().getParent());
        out.println("hash   " + image.hash());
        out.printf("took   %.2f s%n", (System.nanoTime() - start) / 1e9);
        return 0;
    }
}
