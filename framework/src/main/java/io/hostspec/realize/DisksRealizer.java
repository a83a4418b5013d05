package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.OptionPath;
import io.hostspec.module.Types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Declared disks with disko's option names ({@code disko.devices.disk.<name>}), {@code fileSystems.<mountpoint>} and
 * {@code virtualisation.emptyDiskImages} (docs/disks.md).
 *
 * <p>Each disko disk becomes an empty virtual disk of its {@code imageSize}, attached to the VM with the disk's name
 * as serial; {@code virtualisation.emptyDiskImages} adds unformatted ones (sizes in MiB, as in NixOS tests). A
 * oneshot unit, {@value DiskScript#UNIT}, partitions and formats them on their first boot ({@link DiskScript}); a
 * {@code systemd-cryptsetup@<name>.service} per LUKS volume opens it with its key file; {@code /etc/fstab} mounts
 * what the layout and {@code fileSystems} declare ({@code fileSystems} entries win over the layout's).
 */
final class DisksRealizer implements Realizer {

    private static final String D = "disko.devices.disk.<name>.";
    private static final String P = D + "content.partitions.<name>.";

    @Override
    public List<OptionDecl> options() {
        Declarations d = new Declarations("disks")
                .add(D + "type", Types.enumOf(List.of("disk")), "disk", "The device type (disko: always \"disk\").")
                .add(D + "device", Types.str(), "",
                        "The disk's device on real hardware (/dev/nvme0n1 ...). Kept for the user's own machines: in a "
                                + "hostspec VM the disk is the virtual disk attached for it, "
                                + "/dev/disk/by-id/virtio-<name>.")
                .add(D + "imageSize", Types.str(), "2G",
                        "Size of the virtual disk attached for this disk (disko's VM image size), e.g. \"512M\", \"2G\".")
                .add(D + "content.type", Types.nullOr(Types.enumOf(List.of("gpt"))), null,
                        "The partition table: \"gpt\"; null leaves the disk empty.")
                .add(P + "size", Types.str(), "100%",
                        "Size of the partition (\"512M\", \"1G\"), or \"100%\" for the rest of the disk.")
                .add(P + "type", Types.str(), "8300",
                        "GPT type code as sgdisk writes it: 8300 Linux, EF00 ESP, 8200 swap, EF02 BIOS boot.")
                .add(P + "priority", Types.nullOr(Types.integer()), null,
                        "Order on the disk (lower first); by default 50 for EF02, 9001 for \"100%\", else 1000.")
                .add(P + "label", Types.nullOr(Types.str()), null,
                        "GPT partition name; default \"disk-<disk>-<partition>\". The partition is "
                                + "/dev/disk/by-partlabel/<label>.")
                .add(P + "name", Types.nullOr(Types.str()), null, "disko's partition name (unused by hostspec).");
        content(d, P + "content.", true);
        content(d, P + "content.content.", false);
        return d.add("virtualisation.emptyDiskImages", Types.listOf(Types.integer()), List.of(),
                        "Extra empty virtual disks, sizes in MiB, attached after the disko disks (serials empty0, "
                                + "empty1 ...: /dev/disk/by-id/virtio-empty0).")
                .add("fileSystems.<name>.device", Types.nullOr(Types.str()), null, "The device to mount.")
                .add("fileSystems.<name>.fsType", Types.str(), "auto", "The file system type.")
                .add("fileSystems.<name>.options", Types.listOf(Types.str()), List.of("defaults"),
                        "Mount options.")
                .list();
    }

    private static void content(Declarations d, String c, boolean outer) {
        d.add(c + "type", Types.nullOr(Types.enumOf(DiskLayout.CONTENT_TYPES)), null,
                        "What the partition holds: \"filesystem\", \"btrfs\", \"luks\" or \"swap\"; null: nothing.")
                .add(c + "format", Types.nullOr(Types.enumOf(DiskLayout.FORMATS.keySet().stream().sorted().toList())),
                        null, "File system of a \"filesystem\" content (mkfs.<format>).")
                .add(c + "mountpoint", Types.nullOr(Types.str()), null, "Where the file system is mounted.")
                .add(c + "mountOptions", Types.listOf(Types.str()), List.of("defaults"), "Mount options.")
                .add(c + "extraArgs", Types.listOf(Types.str()), List.of(), "Extra arguments of mkfs.")
                .add(c + "subvolumes.<name>.mountpoint", Types.nullOr(Types.str()), null,
                        "Where the btrfs subvolume <name> (its path, e.g. \"/home\") is mounted.")
                .add(c + "subvolumes.<name>.mountOptions", Types.listOf(Types.str()), List.of("defaults"),
                        "Mount options of the subvolume (subvol=<name> is added).");
        if (outer) {
            d.add(c + "name", Types.nullOr(Types.str()), null, "Name of the opened LUKS volume: /dev/mapper/<name>.")
                    .add(c + "settings", Types.attrsOf(Types.anything()), Map.of(),
                            "LUKS settings: keyFile (the key on the guest, e.g. a sops secret's path), allowDiscards.")
                    .add(c + "passwordFile", Types.nullOr(Types.str()), null,
                            "A file holding the LUKS passphrase, used when settings.keyFile is not set.")
                    .add(c + "extraFormatArgs", Types.listOf(Types.str()), List.of(),
                            "Extra arguments of cryptsetup luksFormat.")
                    .add(c + "extraOpenArgs", Types.listOf(Types.str()), List.of(),
                            "Extra arguments of cryptsetup open while formatting.");
        }
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        DiskLayout layout = DiskLayout.read(config, recipe);
        List<Recipe.Disk> disks = new ArrayList<>();
        for (DiskLayout.Disk disk : layout.disks()) {
            disks.add(new Recipe.Disk(disk.serial(), disk.sizeMiB()));
        }
        @SuppressWarnings("unchecked")
        List<Long> empty = (List<Long>) config.get("virtualisation.emptyDiskImages");
        for (int i = 0; i < empty.size(); i++) {
            if (empty.get(i) < 1) {
                throw recipe.error("virtualisation.emptyDiskImages: a disk needs at least 1 MiB, got " + empty.get(i),
                        "virtualisation.emptyDiskImages");
            }
            disks.add(new Recipe.Disk("empty" + i, empty.get(i)));
        }
        List<String> diskOptions = new ArrayList<>();
        for (String name : config.names("disko.devices.disk")) {
            diskOptions.add(config.scope("disko.devices.disk", name).name("imageSize"));
            diskOptions.add(config.scope("disko.devices.disk", name).name("content.type"));
        }
        String[] from = diskOptions.toArray(String[]::new);
        if (!disks.isEmpty()) {
            List<String> hw = new ArrayList<>(diskOptions);
            if (!empty.isEmpty()) {
                hw.add("virtualisation.emptyDiskImages");
            }
            recipe.hardware(recipe.hardware().withDisks(disks), hw.toArray(String[]::new));
        }
        if (layout.disks().stream().anyMatch(disk -> !disk.partitions().isEmpty())) {
            layout.packages().forEach(p -> recipe.pkg(p, from));
            recipe.script(DiskScript.PATH, DiskScript.render(layout), from);
            recipe.unit(DiskScript.UNIT, """
                    [Unit]
                    Description=hostspec: partition and format the disks of disko.devices (first boot only)
                    DefaultDependencies=no
                    After=systemd-udevd.service systemd-udev-trigger.service
                    Wants=local-fs-pre.target cryptsetup-pre.target
                    Before=local-fs-pre.target cryptsetup-pre.target swap.target shutdown.target
                    Conflicts=shutdown.target

                    [Service]
                    Type=oneshot
                    RemainAfterExit=yes
                    ExecStart=%s

                    [Install]
                    WantedBy=sysinit.target
                    """.formatted(DiskScript.PATH), List.of("sysinit.target"), false, from);
            layout.luksVolumes().forEach((luks, partition) -> recipe.unit("systemd-cryptsetup@" + luks.name()
                    + ".service", cryptsetupUnit(luks, partition), List.of("cryptsetup.target"), false,
                    luks.option() + ".name", luks.option() + ".settings"));
        }
        fstab(config, recipe, layout);
    }

    // What systemd-cryptsetup-generator would write for a crypttab line (the generator is not run in hostspec
    // images): headless, so a missing key fails the unit at once instead of asking for a passphrase nobody types.
    private static String cryptsetupUnit(DiskLayout.Luks luks, DiskLayout.Partition partition) {
        return """
                [Unit]
                Description=Cryptography setup for %1$s
                DefaultDependencies=no
                After=cryptsetup-pre.target systemd-udevd-kernel.socket %2$s
                Before=blockdev@dev-mapper-%1$s.target cryptsetup.target umount.target
                Wants=blockdev@dev-mapper-%1$s.target
                Conflicts=umount.target
                IgnoreOnIsolate=true

                [Service]
                Type=oneshot
                RemainAfterExit=yes
                TimeoutSec=0
                KeyringMode=shared
                ExecStart=/lib/systemd/systemd-cryptsetup attach '%1$s' '%3$s' '%4$s' 'luks,headless=true%5$s'
                ExecStop=/lib/systemd/systemd-cryptsetup detach '%1$s'

                [Install]
                WantedBy=cryptsetup.target
                """.formatted(luks.name(), DiskScript.UNIT, partition.device(), luks.keyFile(),
                luks.allowDiscards() ? ",discard" : "");
    }

    // fileSystems entries first (they win), then the layout's mounts that fileSystems does not name.
    private static void fstab(Config config, RecipeBuilder recipe, DiskLayout layout) {
        Map<String, String> lines = new LinkedHashMap<>();
        List<String> from = new ArrayList<>();
        for (String mountpoint : config.names("fileSystems")) {
            Config.Scope fs = config.scope("fileSystems", mountpoint);
            if (fs.str("device") == null) {
                throw recipe.error("fileSystems.\"" + mountpoint + "\" has no device.", fs.name("device"));
            }
            if (mountpoint.equals("/")) {
                throw recipe.error("fileSystems.\"/\" cannot be honoured: hostspec boots / from the host's image. "
                        + "Mount the file system elsewhere.", fs.name("device"));
            }
            lines.put(mountpoint, line(fs.str("device"), mountpoint, fs.str("fsType"), fs.strings("options")));
            from.add(OptionPath.format(fs.path()));
        }
        List<String> swaps = new ArrayList<>();
        for (DiskLayout.Mount m : layout.mounts()) {
            if (m.fsType().equals("swap")) {
                swaps.add(line(m.device(), "none", "swap", m.options()));
            } else if (!m.mountpoint().equals("/") && !lines.containsKey(m.mountpoint())) {
                lines.put(m.mountpoint(), line(m.device(), m.mountpoint(), m.fsType(), m.options()));
            } else {
                continue;
            }
            from.add(m.option());
        }
        if (lines.isEmpty() && swaps.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder("# hostspec: / is mounted by the kernel (root=/dev/vda rw)\n"
                + "# from fileSystems and disko.devices\n");
        lines.values().forEach(b::append);
        swaps.forEach(b::append);
        recipe.file("/etc/fstab", b.toString(), from.toArray(String[]::new));
    }

    private static String line(String device, String mountpoint, String fsType, List<String> options) {
        return device + "\t" + mountpoint.replace(" ", "\\040") + "\t" + fsType + "\t"
                + String.join(",", options.isEmpty() ? List.of("defaults") : options) + "\t0 0\n";
    }
}
