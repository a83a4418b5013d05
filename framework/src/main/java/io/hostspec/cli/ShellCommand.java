package io.hostspec.cli;

import io.hostspec.host.Hosts;
import io.hostspec.host.ScenarioHosts;
import io.hostspec.image.HostTools;
import io.hostspec.image.ImageBuilder;
import io.hostspec.lab.ScenarioLab;
import io.hostspec.machine.ExecResult;
import io.hostspec.machine.Machine;
import io.hostspec.machine.Timeouts;
import io.hostspec.module.Provenance;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

/**
 * {@code ./hostspec shell HOST}: boots the host and reads commands line by line, running each in the guest through the
 * agent, like the NixOS driver's interactive mode. {@code exit} or end of input stops the host.
 */
@Command(name = "shell", description = "Boots a host and runs the commands you type in it (exit or Ctrl-D stops it).")
final class ShellCommand implements Callable<Integer> {

    @Parameters(paramLabel = "HOST", description = "A host under vm-images/hosts (xoa or hosts/xoa) or a .toml file.")
    String host;

    @Mixin
    ProjectOptions projectOptions;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Hosts hosts = new Hosts(projectOptions.project());
        hosts.evaluate(hosts.resolve(host)); // configuration errors first, then the tools, then the boot
        HostTools.ensureVmBackend();
        PrintWriter out = spec.commandLine().getOut();
        try (ScenarioLab lab = new ScenarioLab(hosts, ImageBuilder.create())) {
            ScenarioHosts declared = lab.declarations();
            String name = hosts.resolve(host).name();
            hosts.resolve(host).modules().forEach(m -> {
                if (m instanceof io.hostspec.host.HostSpec.Source.Named n) {
                    declared.addModules(name, n.name(), new Provenance("<command line>", 0));
                }
            });
            Machine machine = lab.host(name).machine();
            out.println("booting " + name + " ...");
            out.flush();
            machine.waitUntilReady(Timeouts.boot());
            out.println(name + " is up (" + machine.backend().word() + " backend); commands run as root; type exit "
                    + "to stop");
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            while (true) {
                out.print(name + "# ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("exit")) {
                    break;
                }
                if (line.isBlank()) {
                    continue;
                }
                ExecResult r = machine.execute(line);
                out.print(r.stdout());
                out.print(r.stderr());
                if (!r.succeeded()) {
                    out.println("(exit " + r.exitCode() + ")");
                }
            }
        }
        return 0;
    }
}
