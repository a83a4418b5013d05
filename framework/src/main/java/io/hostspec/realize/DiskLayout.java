package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionPath;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The disks a host declares with disko's option names ({@code disko.devices.disk.<name>}), read from an evaluated
 * configuration into typed values and checked: partitions fit their disk, a mount point is declared once. Pure; the
 * partitioning script ({@link DiskScript}) and the mounts ({@link #mounts()}) are rendered from it.
 *
 * @param disks the disks, by name
 */
record DiskLayout(List<Disk> disks) {

    /** File system formats hostspec can create, with the Debian package holding their mkfs. */
    static final Map<String, String> FORMATS = Map.of(
            "ext2", "e2fsprogs", "ext3", "e2fsprogs", "ext4", "e2fsprogs", "vfat", "dosfstools",
            "btrfs", "btrfs-progs", "xfs", "xfsprogs");

    /** Content types of disko that hostspec realizes. */
    static final List<String> CONTENT_TYPES = List.of("filesystem", "btrfs", "luks", "swap");

    private static final String DISKS = "disko.devices.disk";
    private static final Pattern SIZE = Pattern.compile("([0-9]+)([KMGT])");
    // sgdisk aligns the first partition at 1 MiB and keeps the backup table in the disk's last sectors
    private static final long GPT_OVERHEAD_MIB = 2;

    DiskLayout {
        disks = List.copyOf(disks);
    }

    /**
     * A declared disk.
     *
     * @param name       its attribute name ({@code main})
     * @param serial     the serial of the virtual disk attached for it; the guest finds it as
     *                   {@code /dev/disk/by-id/virtio-<serial>}
     * @param sizeMiB    the virtual disk's size ({@code imageSize})
     * @param partitions its GPT partitions in disk order; empty when the disk has no {@code content}
     * @param option     the written option path of the disk, for messages
     */
    record Disk(String name, String serial, long sizeMiB, List<Partition> partitions, String option) {
        Disk {
            partitions = List.copyOf(partitions);
        }

        /** @return the path the guest sees the disk at */
        String device() {
            return "/dev/disk/by-id/virtio-" + serial;
        }
    }

    /**
     * A GPT partition.
     *
     * @param name     attribute name
     * @param number   partition number (1 = first on the disk)
     * @param label    GPT partition name; the guest sees the partition at {@code /dev/disk/by-partlabel/<label>}
     * @param typeCode sgdisk type code ({@code 8300}, {@code EF00}, {@code 8200} ...)
     * @param sizeMiB  size in MiB, or 0 for "the rest of the disk" ({@code 100%})
     * @param content  what the partition holds, null for nothing
     * @param option   the written option path of the partition
     */
    record Partition(String name, int number, String label, String typeCode, long sizeMiB, Content content,
                     String option) {
        /** @return the path the guest sees the partition at */
        String device() {
            return "/dev/disk/by-partlabel/" + label;
        }
    }

    /** What a partition (or an opened LUKS volume) holds. */
    sealed interface Content permits Filesystem, Btrfs, Luks, Swap {
        /** The written option path of this content, for messages. */
        String option();
    }

    /** {@code type = "filesystem"}: one file system, formatted with {@code mkfs.<format>}. */
    record Filesystem(String format, String mountpoint, List<String> mountOptions, List<String> extraArgs,
                      String option) implements Content {
    }

    /** {@code type = "btrfs"}: a btrfs file system with subvolumes. */
    record Btrfs(String mountpoint, List<String> mountOptions, List<String> extraArgs, List<Subvolume> subvolumes,
                 String option) implements Content {
    }

    /** A btrfs subvolume: {@code name} is its path inside the file system ({@code /home}). */
    record Subvolume(String name, String mountpoint, List<String> mountOptions, String option) {
    }

    /**
     * {@code type = "luks"}: a LUKS2 volume opened as {@code /dev/mapper/<name>}.
     *
     * @param keyFile       the key file on the guest ({@code settings.keyFile}, else {@code passwordFile})
     * @param allowDiscards {@code settings.allowDiscards}
     */
    record Luks(String name, String keyFile, boolean allowDiscards, List<String> extraFormatArgs,
                List<String> extraOpenArgs, Content content, String option) implements Content {
        /** @return the opened volume's device */
        String device() {
            return "/dev/mapper/" + name;
        }
    }

    /** {@code type = "swap"}: a swap area. */
    record Swap(String option) implements Content {
    }

    /**
     * A mount the layout asks for: an {@code /etc/fstab} line.
     *
     * @param mountpoint where ({@code none} for swap)
     * @param device     what
     * @param fsType     file system type ({@code swap} for swap)
     * @param options    mount options
     * @param option     the written option path that asked for it
     */
    record Mount(String mountpoint, String device, String fsType, List<String> options, String option) {
    }

    /**
     * Reads and checks every {@code disko.devices.disk.<name>} of a configuration.
     *
     * @throws io.hostspec.module.ConfigException naming the options and their file:line when a disk's partitions do
     *                                            not fit it, a size cannot be read, a LUKS volume has no key file or
     *                                            a mount point is declared twice
     */
    static DiskLayout read(Config config, RecipeBuilder recipe) {
        List<Disk> disks = new ArrayList<>();
        for (String name : config.names(DISKS)) {
            Config.Scope disk = config.scope(DISKS, name);
            if (!name.matches("[A-Za-z0-9_.-]{1,20}")) {
                throw recipe.error("The disk `" + name + "' needs a name of 1-20 letters, digits, '_', '.' or '-' "
                        + "(it becomes the serial of its virtual disk).", disk.name("imageSize"));
            }
            long size = mib(disk.str("imageSize"), false, recipe, disk.name("imageSize"));
            List<Partition> partitions = new ArrayList<>();
            if ("gpt".equals(disk.str("content.type"))) {
                partitions = partitions(config, recipe, disk, name, size);
            }
            disks.add(new Disk(name, name, size, partitions, disk.name("content")));
        }
        DiskLayout layout = new DiskLayout(disks);
        layout.checkMountpoints(recipe);
        return layout;
    }

    private static List<Partition> partitions(Config config, RecipeBuilder recipe, Config.Scope disk, String diskName,
                                              long diskMiB) {
        record Declared(String name, Config.Scope scope, long priority) {
        }
        List<Declared> declared = new ArrayList<>();
        for (String p : disk.names("content.partitions")) {
            Config.Scope part = sub(disk, "content.partitions", p);
            Long priority = (Long) part.get("priority");
            String size = part.str("size");
            // disko's defaults: BIOS boot partitions first, the one taking the rest of the disk last
            long defaultPriority = size.equals("100%") ? 9001 : part.str("type").equalsIgnoreCase("EF02") ? 50 : 1000;
            declared.add(new Declared(p, part, priority != null ? priority : defaultPriority));
        }
        declared.sort(Comparator.comparingLong(Declared::priority).thenComparing(Declared::name));
        List<Partition> out = new ArrayList<>();
        long used = 0;
        List<String> sizeOptions = new ArrayList<>();
        Partition rest = null;
        for (Declared d : declared) {
            Config.Scope part = d.scope();
            long mib = mib(part.str("size"), true, recipe, part.name("size"));
            String label = part.str("label") != null ? part.str("label") : "disk-" + diskName + "-" + d.name();
            Partition partition = new Partition(d.name(), out.size() + 1, label, part.str("type"), mib,
                    content(config, recipe, sub(part, "content"), true), OptionPath.format(part.path()));
            if (mib == 0) {
                if (rest != null) {
                    throw recipe.error("The disk `" + diskName + "' has two partitions of size \"100%\" (`"
                            + rest.name() + "' and `" + d.name() + "'); only one can take the rest of the disk.",
                            rest.option() + ".size", part.name("size"));
                }
                rest = partition;
            }
            used += mib;
            sizeOptions.add(part.name("size"));
            out.add(partition);
        }
        long usable = diskMiB - GPT_OVERHEAD_MIB;
        if (used > usable || (rest != null && used >= usable)) {
            List<String> involved = new ArrayList<>(sizeOptions);
            involved.add(disk.name("imageSize"));
            throw recipe.error("The partitions of disk `" + diskName + "' need " + used + " MiB"
                    + (rest != null ? " plus at least 1 MiB for the partition of size \"100%\"" : "")
                    + ", more than the " + usable + " MiB its virtual disk of " + diskMiB + " MiB (imageSize) offers "
                    + "after the partition table: a partition is larger than its disk. Make the partitions smaller or "
                    + "imageSize larger.", involved.toArray(String[]::new));
        }
        return out;
    }

    private static Content content(Config config, RecipeBuilder recipe, Config.Scope c, boolean luksAllowed) {
        String type = c.str("type");
        if (type == null) {
            return null;
        }
        String option = OptionPath.format(c.path());
        return switch (type) {
            case "filesystem" -> {
                String format = c.str("format");
                if (format == null) {
                    throw recipe.error("The file system at `" + option + "' has no format: set format to one of "
                            + String.join(", ", FORMATS.keySet().stream().sorted().toList()) + ".", c.name("format"));
                }
                yield new Filesystem(format, c.str("mountpoint"), c.strings("mountOptions"), c.strings("extraArgs"),
                        option);
            }
            case "btrfs" -> {
                List<Subvolume> subvolumes = new ArrayList<>();
                for (String sv : c.names("subvolumes")) {
                    Config.Scope s = sub(c, "subvolumes", sv);
                    subvolumes.add(new Subvolume(sv.startsWith("/") ? sv : "/" + sv, s.str("mountpoint"),
                            s.strings("mountOptions"), OptionPath.format(s.path())));
                }
                yield new Btrfs(c.str("mountpoint"), c.strings("mountOptions"), c.strings("extraArgs"), subvolumes,
                        option);
            }
            case "luks" -> {
                if (!luksAllowed) {
                    throw recipe.error("A LUKS volume inside a LUKS volume (`" + option + "') is not supported.",
                            c.name("type"));
                }
                Map<String, Object> settings = c.table("settings");
                Object keyFile = settings.get("keyFile");
                String key = keyFile != null ? String.valueOf(keyFile) : c.str("passwordFile");
                if (key == null) {
                    throw recipe.error("The LUKS volume at `" + option + "' has no key: set settings.keyFile (or "
                            + "passwordFile) to a file on the guest, e.g. a sops secret's path.",
                            c.name("settings"), c.name("passwordFile"));
                }
                String name = c.str("name");
                if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
                    throw recipe.error("The LUKS volume at `" + option + "' needs a name of letters, digits, '_', "
                            + "'.' or '-' (it is opened as /dev/mapper/<name>).", c.name("name"));
                }
                yield new Luks(name, key, Boolean.TRUE.equals(settings.get("allowDiscards")),
                        c.strings("extraFormatArgs"), c.strings("extraOpenArgs"),
                        content(config, recipe, sub(c, "content"), false), option);
            }
            case "swap" -> new Swap(option);
            default -> throw new IllegalStateException("undeclared content type " + type);
        };
    }

    /**
     * The mounts the layout asks for, in disk and partition order: file systems and subvolumes with a mount point
     * other than {@code /} (hostspec boots / from the image) and every swap area. Each gets {@code nofail}: a volume
     * that cannot be opened leaves its mount absent instead of stopping the boot.
     */
    List<Mount> mounts() {
        List<Mount> out = new ArrayList<>();
        for (Disk disk : disks) {
            for (Partition p : disk.partitions()) {
                mounts(p.device(), p.content(), out);
            }
        }
        return List.copyOf(out);
    }

    private static void mounts(String device, Content content, List<Mount> out) {
        if (content instanceof Filesystem f && f.mountpoint() != null) {
            out.add(new Mount(f.mountpoint(), device, f.format(), withNofail(f.mountOptions()),
                    f.option() + ".mountpoint"));
        } else if (content instanceof Btrfs b) {
            if (b.mountpoint() != null) {
                out.add(new Mount(b.mountpoint(), device, "btrfs", withNofail(b.mountOptions()),
                        b.option() + ".mountpoint"));
            }
            for (Subvolume sv : b.subvolumes()) {
                if (sv.mountpoint() != null) {
                    List<String> options = new ArrayList<>(sv.mountOptions());
                    options.add("subvol=" + sv.name());
                    out.add(new Mount(sv.mountpoint(), device, "btrfs", withNofail(options),
                            sv.option() + ".mountpoint"));
                }
            }
        } else if (content instanceof Luks l && l.content() != null) {
            mounts(l.device(), l.content(), out);
        } else if (content instanceof Swap s) {
            out.add(new Mount("none", device, "swap", List.of("defaults", "nofail"), s.option() + ".type"));
        }
    }

    private static List<String> withNofail(List<String> options) {
        List<String> out = new ArrayList<>(options.isEmpty() ? List.of("defaults") : options);
        if (!out.contains("nofail")) {
            out.add("nofail");
        }
        return List.copyOf(out);
    }

    private void checkMountpoints(RecipeBuilder recipe) {
        Map<String, Mount> seen = new LinkedHashMap<>();
        for (Mount m : mounts()) {
            if (m.fsType().equals("swap")) {
                continue;
            }
            Mount before = seen.putIfAbsent(m.mountpoint(), m);
            if (before != null) {
                throw recipe.error("The mount point " + m.mountpoint() + " is declared twice in disko.devices: "
                        + "each mount point can hold one file system.", before.option(), m.option());
            }
        }
    }

    /** @return the Debian packages the layout's tools come from (sgdisk, mkfs.*, cryptsetup) */
    List<String> packages() {
        List<String> out = new ArrayList<>();
        for (Disk disk : disks) {
            if (!disk.partitions().isEmpty()) {
                out.add("gdisk");
            }
            for (Partition p : disk.partitions()) {
                packages(p.content(), out);
            }
        }
        return out.stream().distinct().sorted().toList();
    }

    private static void packages(Content content, List<String> out) {
        if (content instanceof Filesystem f) {
            out.add(FORMATS.get(f.format()));
        } else if (content instanceof Btrfs) {
            out.add("btrfs-progs");
        } else if (content instanceof Luks l) {
            out.add("cryptsetup-bin");
            packages(l.content(), out);
        }
    }

    /** @return the LUKS volumes of the layout with the partition each lives on */
    Map<Luks, Partition> luksVolumes() {
        Map<Luks, Partition> out = new LinkedHashMap<>();
        for (Disk disk : disks) {
            for (Partition p : disk.partitions()) {
                if (p.content() instanceof Luks l) {
                    out.put(l, p);
                }
            }
        }
        return out;
    }

    /**
     * A size written as disko does: {@code 512M}, {@code 2G} ({@code K}, {@code M}, {@code G}, {@code T}: binary
     * units), or for a partition {@code 100%}, the rest of the disk (returned as 0).
     */
    static long mib(String text, boolean restAllowed, RecipeBuilder recipe, String option) {
        String t = Objects.requireNonNull(text).strip().toUpperCase(Locale.ROOT);
        if (restAllowed && t.equals("100%")) {
            return 0;
        }
        Matcher m = SIZE.matcher(t);
        if (!m.matches()) {
            throw recipe.error("The size \"" + text + "\" cannot be read: write a number with K, M, G or T (binary "
                    + "units, e.g. \"512M\", \"2G\")" + (restAllowed ? " or \"100%\" for the rest of the disk" : "")
                    + ".", option);
        }
        long n = Long.parseLong(m.group(1));
        long mib = switch (m.group(2)) {
            case "K" -> (n + 1023) / 1024;
            case "M" -> n;
            case "G" -> n * 1024;
            default -> n * 1024 * 1024;
        };
        if (mib < 1) {
            throw recipe.error("The size \"" + text + "\" is smaller than 1 MiB.", option);
        }
        return mib;
    }

    private static Config.Scope sub(Config.Scope scope, String path, String... names) {
        List<String> p = new ArrayList<>(scope.path(path));
        p.addAll(List.of(names));
        return new Config.Scope(scope.config(), List.copyOf(p));
    }
}
