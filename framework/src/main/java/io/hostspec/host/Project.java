package io.hostspec.host;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A hostspec project on disk: the folder holding vm-images/, features/ and reports/, plus extra module folders.
 *
 * @param root        the project root
 * @param modulePaths extra module folders searched before vm-images/modules (the CLI's --module-path)
 */
public record Project(Path root, List<Path> modulePaths) {

    /** System property naming the project root (set by Maven and the launcher). */
    public static final String ROOT_PROPERTY = "hostspec.root";

    /** System property listing extra module folders, separated by the path separator (set by {@code run}). */
    public static final String MODULE_PATH_PROPERTY = "hostspec.modulePath";

    /** A project; module paths are copied. */
    public Project {
        root = root.toAbsolutePath().normalize();
        modulePaths = List.copyOf(modulePaths);
    }

    /**
     * The project of this JVM: the {@value #ROOT_PROPERTY} system property, else the HOSTSPEC_ROOT environment
     * variable, else the nearest folder above the working directory that has a vm-images folder.
     *
     * @throws IllegalStateException when none is found, saying how to set it
     */
    public static Project current() {
        String prop = System.getProperty(ROOT_PROPERTY);
        if (prop == null || prop.isBlank()) {
            prop = System.getenv("HOSTSPEC_ROOT");
        }
        List<Path> extra = new ArrayList<>();
        String modulePath = System.getProperty(MODULE_PATH_PROPERTY, "");
        for (String p : modulePath.split(java.io.File.pathSeparator)) {
            if (!p.isBlank()) {
                extra.add(Path.of(p));
            }
        }
        if (prop != null && !prop.isBlank()) {
            return new Project(Path.of(prop), extra);
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("vm-images"))) {
                return new Project(p, extra);
            }
        }
        throw new IllegalStateException("cannot find the hostspec project: no vm-images folder above "
                + Path.of("").toAbsolutePath() + "; run from the project or set -D" + ROOT_PROPERTY + "=DIR");
    }

    /** A copy with more module folders (searched before vm-images/modules, in the order given). */
    public Project withModulePaths(List<Path> extra) {
        List<Path> all = new ArrayList<>(modulePaths);
        all.addAll(extra);
        return new Project(root, all);
    }

    /** The features folder. */
    public Path features() {
        return root.resolve("features");
    }
}
