package io.hostspec.image;

import io.hostspec.image.internal.Exec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The programs hostspec needs on the build host, where they are, and how to get the missing ones.
 *
 * <p>{@link #ensureInstalled()} installs missing tools with apt when running as root and otherwise fails with the
 * exact command to run; {@link #report()} is what {@code ./hostspec doctor} prints.
 */
public final class HostTools {

    /**
     * A required program.
     *
     * @param command       the executable's name
     * @param debianPackage the Debian package that ships it
     * @param purpose       why hostspec needs it
     */
    public record Tool(String command, String debianPackage, String purpose) {
    }

    /**
     * What was found for one tool.
     *
     * @param tool    the tool
     * @param path    where it is, or empty when missing
     * @param version the installed version of its package, or empty when unknown
     */
    public record Status(Tool tool, Optional<Path> path, Optional<String> version) {

        /** Whether the tool was found. */
        public boolean found() {
            return path.isPresent();
        }

        /** One line for a doctor report, e.g. {@code "ok      mmdebstrap  /usr/bin/mmdebstrap (mmdebstrap 1.3.5-2)"}. */
        @Override
        public String toString() {
            return found()
                    ? String.format("ok       %-20s %s (%s %s)", tool.command(), path.get(), tool.debianPackage(),
                    version.orElse("?"))
                    : String.format("MISSING  %-20s apt package %s: %s", tool.command(), tool.debianPackage(),
                    tool.purpose());
        }
    }

    /** Host tools are missing and could not be installed; the message holds the command that installs them. */
    public static final class MissingToolsException extends RuntimeException {
        private final List<Tool> missing;
        private final String installCommand;
        private final String detail;

        /**
         * @param missing        the missing tools
         * @param installCommand the command that installs them
         * @param detail         why they were not installed automatically
         */
        public MissingToolsException(List<Tool> missing, String installCommand, String detail) {
            super("missing host tools: " + missing.stream().map(Tool::command).toList() + ". " + detail
                    + "\nInstall them with:\n  " + installCommand);
            this.missing = List.copyOf(missing);
            this.installCommand = installCommand;
            this.detail = detail;
        }

        /** Why the tools were not installed automatically. */
        public String detail() {
            return detail;
        }

        /** The missing tools. */
        public List<Tool> missing() {
            return missing;
        }

        /** The command that installs them. */
        public String installCommand() {
            return installCommand;
        }
    }

    /** The tools of the default (vm) backend. */
    public static final List<Tool> VM_BACKEND = List.of(
            new Tool("qemu-system-x86_64", "qemu-system-x86", "runs the guests"),
            new Tool("qemu-img", "qemu-utils", "converts images and creates overlays"),
            new Tool("mmdebstrap", "mmdebstrap", "builds the Debian root file systems"),
            new Tool("mke2fs", "e2fsprogs", "packs root file systems into ext4"),
            new Tool("vde_switch", "vde2", "the virtual LAN between guests"),
            new Tool("setpriv", "util-linux", "ties QEMU's life to the run (--pdeathsig)"),
            new Tool("swtpm", "swtpm", "emulates the TPM of hosts with security.tpm2.enable"));

    /**
     * System property naming the directories searched for tools, separated by {@code :}, instead of PATH and the usual
     * bin and sbin directories (for a project that keeps its tools elsewhere, and for tests of a machine without them).
     */
    public static final String PATH_PROPERTY = "hostspec.tools.path";

    /**
     * System property ({@code true} by default) that allows installing missing tools as root; {@code false} makes a
     * root run stop with the install command as any other user's would. {@link #INSTALL_ENV} says the same.
     */
    public static final String INSTALL_PROPERTY = "hostspec.tools.install";

    /** Environment variable with the meaning of {@link #INSTALL_PROPERTY}. */
    public static final String INSTALL_ENV = "HOSTSPEC_INSTALL_TOOLS";

    /** How long apt may take to install the tools. */
    public static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(15);

    private static final Logger LOG = LoggerFactory.getLogger(HostTools.class);
    /** Searched besides PATH: sbin directories are often missing from a non-root PATH. */
    private static final List<String> EXTRA_DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin",
            "/usr/bin", "/sbin", "/bin");
    private static final Map<String, String> APT_ENV = Map.of("DEBIAN_FRONTEND", "noninteractive",
            "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");

    private final List<Tool> tools;

    private HostTools(List<Tool> tools) {
        this.tools = List.copyOf(tools);
    }

    /** The tools of the vm backend ({@link #VM_BACKEND}). */
    public static HostTools vmBackend() {
        return new HostTools(VM_BACKEND);
    }

    /** A checker for exactly {@code tools}. */
    public static HostTools of(List<Tool> tools) {
        return new HostTools(tools);
    }

    /** The tools checked. */
    public List<Tool> tools() {
        return tools;
    }

    /** For every tool: where it is and which version, or that it is missing. Does not change the host. */
    public List<Status> report() {
        List<Status> out = new ArrayList<>();
        for (Tool t : tools) {
            Optional<Path> path = locate(t.command());
            out.add(new Status(t, path, path.isPresent() ? packageVersion(t.debianPackage()) : Optional.empty()));
        }
        return out;
    }

    /** The tools that are missing. */
    public List<Tool> missing() {
        return report().stream().filter(s -> !s.found()).map(Status::tool).toList();
    }

    /**
     * The command that installs {@code missing}, with {@code sudo} when not run by root.
     *
     * @param missing tools to install
     * @param root    whether the command will run as root
     */
    public static String installCommand(List<Tool> missing, boolean root) {
        Set<String> packages = new LinkedHashSet<>();
        missing.forEach(t -> packages.add(t.debianPackage()));
        String sudo = root ? "" : "sudo ";
        return sudo + "apt-get update && " + sudo + "DEBIAN_FRONTEND=noninteractive apt-get install -y "
                + String.join(" ", packages);
    }

    /**
     * Makes sure every tool is present: as root, missing ones are installed with apt-get (said in the log); as
     * another user, fails with the exact command to run.
     *
     * @throws MissingToolsException when tools are missing and cannot be installed
     */
    public void ensureInstalled() {
        List<Tool> missing = missing();
        if (missing.isEmpty()) {
            return;
        }
        boolean root = isRoot();
        String command = installCommand(missing, root);
        if (!root) {
            throw new MissingToolsException(missing, command, "Not running as root, so hostspec cannot install them.");
        }
        if (!installAllowed()) {
            throw new MissingToolsException(missing, command, "Installing is switched off (" + INSTALL_PROPERTY
                    + "=false or " + INSTALL_ENV + "=no).");
        }
        LOG.info("installing missing host tools {}: {}", missing.stream().map(Tool::command).toList(), command);
        List<String> packages = missing.stream().map(Tool::debianPackage).distinct().toList();
        try {
            apt(List.of("apt-get", "update"), missing, command);
            List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "--no-install-recommends"));
            install.addAll(packages);
            apt(install, missing, command);
        } catch (IOException e) {
            throw new MissingToolsException(missing, command, "Running apt-get failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MissingToolsException(missing, command, "Interrupted while installing.");
        }
        List<Tool> still = missing();
        if (!still.isEmpty()) {
            throw new MissingToolsException(still, installCommand(still, true),
                    "apt-get install succeeded but they are still not found.");
        }
    }

    private static void apt(List<String> argv, List<Tool> missing, String command)
            throws IOException, InterruptedException {
        Exec.Result r = Exec.run(argv, APT_ENV, INSTALL_TIMEOUT);
        if (!r.ok()) {
            throw new MissingToolsException(missing, command, String.join(" ", argv) + " exited with "
                    + r.exitCode() + ":\n" + r.stderrTail(20));
        }
    }

    /**
     * The outcome of {@link #ensureVmBackend()} per configuration (search path and install policy), so a run asks apt
     * at most once and every later entry point fails at once with the same message.
     */
    private static final Map<String, Optional<MissingToolsException>> ENSURED = new java.util.HashMap<>();

    /**
     * Makes sure the tools of the VM backend are there, once per JVM: installs them as root (unless
     * {@link #INSTALL_PROPERTY} is {@code false}), otherwise throws with the exact command to run. Every entry point
     * that starts a LAN, QEMU or an image build calls this first, so a missing tool stops the run before anything
     * starts; a failure is remembered and thrown again by later calls without asking apt again.
     *
     * @throws MissingToolsException when tools are missing and were not installed
     */
    public static void ensureVmBackend() {
        String key = System.getProperty(PATH_PROPERTY, "") + "|" + installAllowed();
        Optional<MissingToolsException> outcome;
        synchronized (ENSURED) {
            outcome = ENSURED.get(key);
            if (outcome == null) {
                try {
                    vmBackend().ensureInstalled();
                    outcome = Optional.empty();
                } catch (MissingToolsException e) {
                    outcome = Optional.of(e);
                }
                ENSURED.put(key, outcome);
            }
        }
        if (outcome.isPresent()) {
            MissingToolsException e = outcome.get();
            throw new MissingToolsException(e.missing(), e.installCommand(), e.detail());
        }
    }

    /** Whether missing tools may be installed: running as root and not switched off by {@link #INSTALL_PROPERTY}. */
    static boolean installAllowed() {
        String setting = System.getProperty(INSTALL_PROPERTY, Optional.ofNullable(System.getenv(INSTALL_ENV))
                .orElse("true")).strip();
        return isRoot() && !(setting.equalsIgnoreCase("false") || setting.equalsIgnoreCase("no")
                || setting.equals("0"));
    }

    /** Whether this process runs as root. */
    public static boolean isRoot() {
        try {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** The executable named {@code command} on PATH or in the usual bin/sbin directories. */
    public static Optional<Path> locate(String command) {
        String only = System.getProperty(PATH_PROPERTY);
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        Stream<String> dirs = only != null ? Stream.of(only.split(":"))
                : Stream.concat(Stream.of(path.split(":")), EXTRA_DIRS.stream());
        return dirs
                .filter(d -> !d.isBlank())
                .map(d -> Path.of(d, command))
                .filter(p -> Files.isRegularFile(p) && Files.isExecutable(p))
                .findFirst();
    }

    private static Optional<String> packageVersion(String debianPackage) {
        try {
            Exec.Result r = Exec.run(List.of("dpkg-query", "--show", "--showformat=${Version}", debianPackage),
                    APT_ENV, Duration.ofSeconds(10));
            return r.ok() && !r.stdout().isBlank() ? Optional.of(r.stdout().strip()) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }
}
