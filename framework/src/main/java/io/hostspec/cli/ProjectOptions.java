package io.hostspec.cli;

import io.hostspec.host.Project;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The options every command that reads modules shares. */
final class ProjectOptions {

    @Option(names = "--module-path", paramLabel = "DIR",
            description = "A module folder searched before vm-images/modules (repeatable).")
    List<Path> modulePaths = new ArrayList<>();

    Project project() {
        return Project.current().withModulePaths(modulePaths);
    }
}
