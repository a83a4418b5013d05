package io.hostspec.realize;

import java.util.List;
import java.util.Locale;

/**
 * The first-boot script that realizes a {@link DiskLayout} on the guest's empty virtual disks: GPT partitions with
 * sgdisk, LUKS2 volumes with cryptsetup, file systems with mkfs, btrfs subvolumes. Every step is skipped when its
 * result is already there (a partition table, a file system signature, a LUKS header, a subvolume), so the script
 * formats on the first boot only and later boots of the same disks leave the data alone, even after a crash in the
 * middle of the first one. It leaves LUKS volumes closed: the {@code systemd-cryptsetup@} units open them.
 */
final class DiskScript {

    /** The unit running the script. */
    static final String UNIT = "hostspec-disko.service";
    /** Where the script is installed. */
    static final String PATH = SystemdRealizer.SCRIPTS + "hostspec-disko.sh";
    /**
     * Arguments of every {@code luksFormat} before the user's {@code extraFormatArgs}: PBKDF2 with a fixed, low
     * iteration count, because the default Argon2 benchmark costs seconds and hundreds of MiB in a small emulated
     * guest. Test keys only: use {@code extraFormatArgs} for a stronger key derivation.
     */
    static final String LUKS_FORMAT = "--batch-mode --type luks2 --pbkdf pbkdf2 --pbkdf-force-iterations 1000";

    private DiskScript() {
    }

    /** @return the script for a layout */
    static String render(DiskLayout layout) {
        StringBuilder b = new StringBuilder("""
                #!/bin/sh
                # hostspec: partitions and formats the disks declared in disko.devices on their first boot.
                set -eu
                say() { echo "hostspec-disko: $*"; }
                fstype() { blkid -p -o value -s TYPE "$1" 2>/dev/null || true; }
                appear() { udevadm settle --timeout=30 || true; [ -e "$1" ] || udevadm wait --timeout=30 "$1" || [ -e "$1" ] || { say "$1 did not appear within 30 s"; exit 1; }; }
                """);
        for (DiskLayout.Disk disk : layout.disks()) {
            if (disk.partitions().isEmpty()) {
                continue;
            }
            String dev = q(disk.device());
            b.append("\n# disk ").append(disk.name()).append('\n');
            b.append("appear ").append(dev).append('\n');
            b.append("if [ \"$(blkid -p -o value -s PTTYPE ").append(dev).append(" 2>/dev/null || true)\" != gpt ]; then\n");
            b.append("  say 'partitioning disk ").append(disk.name()).append("'\n");
            b.append("  sgdisk --zap-all ").append(dev).append(" >/dev/null\n");
            for (DiskLayout.Partition p : disk.partitions()) {
                b.append("  sgdisk --new=").append(p.number()).append(":0:")
                        .append(p.sizeMiB() == 0 ? "0" : "+" + p.sizeMiB() + "M")
                        .append(" --typecode=").append(p.number()).append(':').append(p.typeCode().toUpperCase(Locale.ROOT))
                        .append(" --change-name=").append(p.number()).append(':').append(q(p.label()))
                        .append(' ').append(dev).append(" >/dev/null\n");
            }
            b.append("  udevadm trigger --action=change --settle ").append(dev).append(" 2>/dev/null || udevadm settle\n");
            b.append("fi\n");
            for (DiskLayout.Partition p : disk.partitions()) {
                b.append("appear ").append(q(p.device())).append('\n');
                content(b, p.device(), p.content());
            }
        }
        // fstab's swap unit starts as soon as udev sees the partition, which on the first boot is before mkswap ran:
        // it fails then, so the swap partitions are switched on here (on later boots systemd has done it: EBUSY).
        for (DiskLayout.Disk disk : layout.disks()) {
            for (DiskLayout.Partition p : disk.partitions()) {
                if (p.content() instanceof DiskLayout.Swap) {
                    b.append("swapon ").append(q(p.device())).append(" 2>/dev/null || true\n");
                }
            }
        }
        b.append("say 'disks ready'\n");
        return b.toString();
    }

    private static void content(StringBuilder b, String device, DiskLayout.Content content) {
        String dev = q(device);
        if (content instanceof DiskLayout.Filesystem f) {
            b.append("[ -n \"$(fstype ").append(dev).append(")\" ] || { say 'formatting ").append(device).append(" as ")
                    .append(f.format()).append("'; ").append(mkfs(f.format(), f.extraArgs())).append(' ').append(dev)
                    .append(" >/dev/null; }\n");
        } else if (content instanceof DiskLayout.Btrfs bt) {
            b.append("[ -n \"$(fstype ").append(dev).append(")\" ] || { say 'formatting ").append(device)
                    .append(" as btrfs'; ").append(mkfs("btrfs", bt.extraArgs())).append(' ').append(dev)
                    .append(" >/dev/null; }\n");
            if (!bt.subvolumes().isEmpty()) {
                b.append("top=$(mktemp -d)\nmount -t btrfs ").append(dev).append(" \"$top\"\n");
                for (DiskLayout.Subvolume sv : bt.subvolumes()) {
                    String path = "\"$top\"" + q(sv.name());
                    b.append("[ -d ").append(path).append(" ] || { mkdir -p \"$(dirname ").append(path)
                            .append(")\"; btrfs subvolume create ").append(path).append(" >/dev/null; }\n");
                }
                b.append("umount \"$top\"; rmdir \"$top\"\n");
            }
        } else if (content instanceof DiskLayout.Luks l) {
            String key = q(l.keyFile());
            b.append("if cryptsetup isLuks ").append(dev).append(" && [ ! -e ").append(key).append(" ]; then\n")
                    .append("  say 'the key file ").append(l.keyFile()).append(" of LUKS volume ").append(l.name())
                    .append(" is missing: it stays locked'\n")
                    .append("else\n")
                    .append("  [ -e ").append(key).append(" ] || { say 'the key file ").append(l.keyFile())
                    .append(" of LUKS volume ").append(l.name()).append(" is missing: cannot format ")
                    .append(device).append("'; exit 1; }\n")
                    .append("  cryptsetup isLuks ").append(dev).append(" || { say 'formatting ").append(device)
                    .append(" as LUKS2 volume ").append(l.name()).append("'; cryptsetup luksFormat ")
                    .append(LUKS_FORMAT).append(args(l.extraFormatArgs())).append(" --key-file ").append(key)
                    .append(' ').append(dev).append("; }\n");
            if (l.content() != null) {
                String mapper = q(l.device());
                b.append("  opened=\n")
                        .append("  [ -e ").append(mapper).append(" ] || { cryptsetup open").append(args(l.extraOpenArgs()))
                        .append(" --key-file ").append(key).append(' ').append(dev).append(' ').append(q(l.name()))
                        .append("; opened=1; }\n");
                StringBuilder inner = new StringBuilder();
                content(inner, l.device(), l.content());
                inner.toString().lines().forEach(line -> b.append("  ").append(line).append('\n'));
                b.append("  [ -z \"$opened\" ] || cryptsetup close ").append(q(l.name())).append('\n');
            }
            b.append("fi\n");
        } else if (content instanceof DiskLayout.Swap) {
            b.append("[ -n \"$(fstype ").append(dev).append(")\" ] || { say 'making swap on ").append(device)
                    .append("'; mkswap ").append(dev).append(" >/dev/null; }\n");
        }
    }

    private static String mkfs(String format, List<String> extraArgs) {
        String force = switch (format) {
            case "ext2", "ext3", "ext4" -> " -q -F";
            case "btrfs", "xfs" -> " -f";
            default -> "";
        };
        return "mkfs." + format + force + args(extraArgs);
    }

    private static String args(List<String> args) {
        StringBuilder b = new StringBuilder();
        args.forEach(a -> b.append(' ').append(q(a)));
        return b.toString();
    }

    /** Single-quotes a word for sh. */
    static String q(String word) {
        return word.matches("[A-Za-z0-9_./:=@%+-]+") ? word : "'" + word.replace("'", "'\\''") + "'";
    }
}
