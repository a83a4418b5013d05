package io.hostspec.image.internal;

import io.hostspec.image.GenerationRecord;
import io.hostspec.realize.Recipe;
import io.hostspec.realize.Recipe.FileEntry;
import io.hostspec.realize.Recipe.UnitEntry;
import io.hostspec.realize.Recipe.UserEntry;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Applies a recipe's files, accounts and units to a root file system that already holds its packages.
 *
 * <p>Accounts are made by the guest's own tools ({@code groupadd}, {@code useradd}, ...) through a {@link Chroot}, so
 * that shadow files, skeletons and login.defs behave exactly as on a real Debian host; the commands come from
 * {@link Accounts}, the renderer a live switch uses too. Everything else is plain file writing, which keeps it
 * testable on any directory.
 */
public final class RecipeApplier {

    /** Where units of the recipe are written, like {@code systemctl enable} of an administrator's unit. */
    public static final String UNIT_DIR = "/etc/systemd/system";
    /** Where packages ship their units, searched in this order for a unit the recipe only enables. */
    public static final List<String> PACKAGE_UNIT_DIRS = List.of("/etc/systemd/system", "/lib/systemd/system",
            "/usr/lib/systemd/system");
    /** The sysctl file written from {@link Recipe#sysctls()}. */
    public static final String SYSCTL_FILE = "/etc/sysctl.d/90-hostspec.conf";
    /** The firewall ruleset file that Debian's nftables.service loads. */
    public static final String NFTABLES_FILE = "/etc/nftables.conf";
    /** The modules-load file written from {@link Recipe#kernelModules()}. */
    public static final String MODULES_FILE = "/etc/modules-load.d/hostspec.conf";
    /** The serial console getty, always enabled so that the serial log shows a login prompt. */
    public static final String SERIAL_GETTY = "serial-getty@ttyS0.service";
    /** The daemon that sets the guest clock on request of the host (see {@code machine.internal.ClockPort}). */
    public static final String CLOCK_DAEMON = "/usr/lib/hostspec/hostspec-clock";
    /** Its unit, started by udev when the clock port appears, like the guest agent's. */
    public static final String CLOCK_UNIT = "hostspec-clock.service";
    private static final String CLOCK_DEVICE = "dev-virtio\\x2dports-org.hostspec.clock.0.device";

    /** Runs a command inside the root file system ({@code chroot DIR argv...}); throws when it fails. */
    @FunctionalInterface
    public interface Chroot {
        /**
         * @param argv the command, resolved inside the guest
         * @throws IOException          when it cannot run or exits non-zero (the implementation adds evidence)
         * @throws InterruptedException when interrupted
         */
        void run(List<String> argv) throws IOException, InterruptedException;
    }

    private final Rootfs rootfs;
    private final Chroot chroot;

    /**
     * @param rootfs the root file system to change
     * @param chroot how to run the guest's account tools in it
     */
    public RecipeApplier(Rootfs rootfs, Chroot chroot) {
        this.rootfs = rootfs;
        this.chroot = chroot;
    }

    /** Applies everything in the order that keeps later steps valid: identity, accounts, files, units, kernel. */
    public void apply(Recipe recipe) throws IOException, InterruptedException {
        writeIdentity(recipe);
        writeGuestSupport();
        writeGenerationRecord(recipe);
        GuestBoot.apply(rootfs, recipe.units().keySet());
        applyAccounts(recipe);
        chroot.run(List.of("usermod", "--lock", "root"));
        applyFiles(recipe.files().values());
        applyUnits(recipe.units().values());
        applyNftables(recipe.nftables());
        applySysctls(recipe.sysctls());
        applyKernelModules(recipe.kernelModules());
    }

    void writeIdentity(Recipe recipe) throws IOException {
        rootfs.write("/etc/hostname", recipe.hostName() + "\n", 0644, 0, 0);
        rootfs.write("/etc/hosts", "127.0.0.1\tlocalhost\n127.0.1.1\t" + recipe.hostName() + "\n"
                + "::1\tlocalhost ip6-localhost ip6-loopback\n", 0644, 0, 0);
        // The kernel mounts the root from the command line (root=/dev/vda rw); nothing else is mounted from disk.
        rootfs.write("/etc/fstab", "# hostspec: / is mounted by the kernel (root=/dev/vda rw)\n", 0644, 0, 0);
        rootfs.symlink("/etc/systemd/system/getty.target.wants/" + SERIAL_GETTY,
                findPackageUnit("serial-getty@.service").orElse("/lib/systemd/system/serial-getty@.service"));
    }

    /**
     * The parts every image has for hostspec itself: the clock daemon, its unit, and the udev rule that starts it when
     * QEMU offers the port (a guest without the port never starts it), and the boot trimmed to what a test host needs
     * ({@link GuestBoot}). Part of {@link Recipe#IMAGE_LAYOUT}.
     */
    void writeGuestSupport() throws IOException {
        rootfs.write(CLOCK_DAEMON, resource("guest/hostspec-clock"), 0755, 0, 0);
        rootfs.write(UNIT_DIR + "/" + CLOCK_UNIT, """
                [Unit]
                Description=hostspec: set the clock on request of the host (after a snapshot restore)
                BindsTo=%1$s
                After=%1$s

                [Service]
                ExecStart=%2$s
                Restart=on-failure
                """.formatted(CLOCK_DEVICE, CLOCK_DAEMON), 0644, 0, 0);
        rootfs.write("/etc/udev/rules.d/90-hostspec-clock.rules", "SUBSYSTEM==\"virtio-ports\", "
                + "ATTR{name}==\"org.hostspec.clock.0\", TAG+=\"systemd\", ENV{SYSTEMD_WANTS}+=\"" + CLOCK_UNIT
                + "\"\n", 0644, 0, 0);
    }

    /**
     * The record of generation 1, the configuration the image is built from: a guest always knows its generation, so a
     * missing record is an error and never a silent "generation 1" (see {@link GenerationRecord}). Part of
     * {@link Recipe#IMAGE_LAYOUT}.
     */
    void writeGenerationRecord(Recipe recipe) throws IOException {
        for (Map.Entry<String, String> file : GenerationRecord.bootFiles(recipe.imageHash()).entrySet()) {
            rootfs.write(file.getKey(), file.getValue(), 0644, 0, 0);
        }
    }

    private static String resource(String name) throws IOException {
        try (var in = RecipeApplier.class.getResourceAsStream("/io/hostspec/image/" + name)) {
            if (in == null) {
                throw new IOException("resource /io/hostspec/image/" + name + " is missing from the framework jar");
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** The accounts the root file system holds now, from its /etc/passwd and /etc/group. */
    Accounts.State accounts() throws IOException {
        return Accounts.State.parse(java.nio.file.Files.readString(rootfs.resolve("/etc/passwd", true)),
                java.nio.file.Files.readString(rootfs.resolve("/etc/group", true)));
    }

    /** Creates or amends the recipe's groups and users with the guest's tools, as a live switch does. */
    void applyAccounts(Recipe recipe) throws IOException, InterruptedException {
        for (List<String> cmd : Accounts.commands(recipe, null, accounts())) {
            chroot.run(cmd);
        }
        Accounts.State made = null;
        for (UserEntry u : recipe.users().values()) {
            if (u.authorizedKeys() != null && !u.authorizedKeys().isEmpty()) {
                made = made == null ? accounts() : made;
                Accounts.User user = made.users().get(u.name());
                if (user == null) {
                    throw new IOException("user " + u.name() + " is not in the image's /etc/passwd after the account "
                            + "commands ran; cannot install its authorized keys");
                }
                int uid = user.uid();
                int gid = user.gid();
                String home = user.home();
                Rootfs.chown(rootfs.mkdirs(home + "/.ssh"), uid, gid);
                Rootfs.chmod(rootfs.resolve(home + "/.ssh", true), 0700);
                rootfs.write(home + "/.ssh/authorized_keys",
                        u.authorizedKeys().stream().map(k -> k + "\n").collect(Collectors.joining()), 0600, uid, gid);
            }
        }
    }

    void applyFiles(Iterable<FileEntry> files) throws IOException {
        Map<String, Integer> users = rootfs.users();
        Map<String, Integer> groups = rootfs.groups();
        for (FileEntry f : files) {
            int uid = f.user() == null ? 0 : require(users, f.user(), "user (owner of " + f.path() + ")");
            int gid = f.group() == null ? 0 : require(groups, f.group(), "group (of " + f.path() + ")");
            rootfs.write(f.path(), f.content(), parseMode(f.mode(), f.path()), uid, gid);
        }
    }

    void applyUnits(Iterable<UnitEntry> units) throws IOException {
        for (UnitEntry u : units) {
            String target;
            if (u.content() != null) {
                target = UNIT_DIR + "/" + u.name();
                rootfs.write(target, u.content(), 0644, 0, 0);
            } else {
                target = findPackageUnit(u.name()).orElseThrow(() -> new IOException("unit " + u.name()
                        + " has no content in the recipe and no installed package ships it (searched "
                        + PACKAGE_UNIT_DIRS + ")"));
            }
            for (String wanted : u.wantedBy() == null ? List.<String>of() : u.wantedBy()) {
                rootfs.symlink(UNIT_DIR + "/" + wanted + ".wants/" + u.name(), target);
            }
        }
    }

    /** The guest path of a unit shipped by a package (or its template, for an instance name). */
    Optional<String> findPackageUnit(String name) throws IOException {
        List<String> candidates = new ArrayList<>(List.of(name));
        int at = name.indexOf('@');
        int dot = name.lastIndexOf('.');
        if (at > 0 && dot > at + 1) {
            candidates.add(name.substring(0, at + 1) + name.substring(dot));
        }
        for (String candidate : candidates) {
            for (String dir : PACKAGE_UNIT_DIRS) {
                String path = dir + "/" + candidate;
                if (java.nio.file.Files.isRegularFile(rootfs.resolve(path, true))) {
                    return Optional.of(path);
                }
            }
        }
        return Optional.empty();
    }

    void applyNftables(String ruleset) throws IOException {
        if (ruleset == null || ruleset.isBlank()) {
            return;
        }
        rootfs.write(NFTABLES_FILE, nftablesText(ruleset), 0755, 0, 0);
        // Debian's nftables.service is WantedBy=sysinit.target and loads /etc/nftables.conf.
        rootfs.symlink(UNIT_DIR + "/sysinit.target.wants/nftables.service",
                findPackageUnit("nftables.service").orElse("/lib/systemd/system/nftables.service"));
    }

    void applySysctls(Map<String, String> sysctls) throws IOException {
        if (sysctls == null || sysctls.isEmpty()) {
            return;
        }
        rootfs.write(SYSCTL_FILE, sysctlText(sysctls), 0644, 0, 0);
    }

    /** The content of {@link #NFTABLES_FILE} for a ruleset: an executable nft script ending in a newline. */
    public static String nftablesText(String ruleset) {
        String text = ruleset.startsWith("#!") ? ruleset : "#!/usr/sbin/nft -f\n" + ruleset;
        return text.endsWith("\n") ? text : text + "\n";
    }

    /** The content of {@link #SYSCTL_FILE} for a set of kernel parameters. */
    public static String sysctlText(Map<String, String> sysctls) {
        StringBuilder sb = new StringBuilder("# written by hostspec from boot.kernel.sysctl\n");
        sysctls.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        return sb.toString();
    }

    void applyKernelModules(Iterable<String> modules) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String m : modules == null ? List.<String>of() : modules) {
            sb.append(m).append('\n');
        }
        if (sb.length() > 0) {
            rootfs.write(MODULES_FILE, "# written by hostspec from boot.kernelModules\n" + sb, 0644, 0, 0);
        }
    }

    /** Parses an octal mode such as {@code "0644"} or {@code "4755"}; null means 0644. */
    static int parseMode(String mode, String path) {
        if (mode == null || mode.isBlank()) {
            return 0644;
        }
        if (!mode.matches("[0-7]{3,4}")) {
            throw new IllegalArgumentException("mode of " + path + " is not octal: '" + mode + "'");
        }
        return Integer.parseInt(mode, 8);
    }

    private static int require(Map<String, Integer> ids, String name, String what) throws IOException {
        Integer id = ids.get(name);
        if (id == null) {
            throw new IOException("no " + what + " named '" + name + "' in the image: declare it in users/groups"
                    + " or install the package that creates it");
        }
        return id;
    }
}
