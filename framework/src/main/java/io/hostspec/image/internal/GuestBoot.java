package io.hostspec.image.internal;

import java.io.IOException;
import java.util.List;

/**
 * What makes a hostspec guest boot quickly: the hardware is always the same small QEMU microvm (virtio-mmio disk,
 * consoles and random number generator; no firmware, no PCI, no swap, no hardware clock to wait for), so the boot
 * does only what such a test host needs.
 *
 * <ul>
 *   <li>In the common base ({@link #SETUP_HOOK}, before the kernel package is configured): the initramfs holds only
 *   the two modules that find the root disk ({@code MODULES=list}: virtio_mmio, virtio_blk; ext4 is built into the
 *   kernel) instead of most modules of the kernel: a smaller initrd to load and unpack, no module probing; and no
 *   udev ({@link #NO_UDEV_HOOK}).</li>
 *   <li>In every image ({@link #apply}): units that wait for hardware or do first-boot work a test host never needs
 *   are masked, the first-boot updates a fresh root file system would trigger are done at build time, and the
 *   modules of CPU features are not loaded automatically ({@link #BLACKLISTED_MODULES}).</li>
 * </ul>
 */
public final class GuestBoot {

    /** Initramfs configuration of the common base. */
    public static final String INITRAMFS_CONF = "/etc/initramfs-tools/conf.d/hostspec.conf";
    /** The modules the initramfs loads to find the root disk. */
    public static final String INITRAMFS_MODULES = "/usr/share/initramfs-tools/modules.d/hostspec";

    /** The initramfs hook that leaves udev out of the initramfs. */
    public static final String INITRAMFS_NO_UDEV = "/etc/initramfs-tools/hooks/hostspec-no-udev";

    /**
     * The hook's lines: it runs after udev's own hook (its prerequisite) and removes what that hook put in. The
     * initramfs then loads its two modules from its list and waits for /dev/vda, which the kernel's devtmpfs creates
     * when virtio_blk finds the disk; starting udevd, triggering every device and settling cost about 3 s of a TCG
     * boot for nothing a microvm needs. No single quotes: the lines are written by printf in {@link #SETUP_HOOK}.
     */
    static final List<String> NO_UDEV_HOOK = List.of(
            "#!/bin/sh",
            "# hostspec: the root disk is found without udev (devtmpfs creates /dev/vda)",
            "case \"$1\" in prereqs) echo udev; exit 0;; esac",
            "rm -f \"$DESTDIR/scripts/init-top/udev\" \"$DESTDIR/scripts/init-bottom/udev\""
                    + " \"$DESTDIR/bin/udevadm\" \"$DESTDIR/usr/bin/udevadm\""
                    + " \"$DESTDIR/lib/systemd/systemd-udevd\" \"$DESTDIR/usr/lib/systemd/systemd-udevd\"");

    /** mmdebstrap setup hook ({@code $1} the root): the initramfs configuration, before any package is unpacked. */
    public static final String SETUP_HOOK = "mkdir -p \"$1/etc/initramfs-tools/conf.d\""
            + " \"$1/usr/share/initramfs-tools/modules.d\" \"$1/etc/initramfs-tools/hooks\""
            + " && printf 'MODULES=list\\n' > \"$1" + INITRAMFS_CONF + "\""
            + " && printf 'virtio_mmio\\nvirtio_blk\\n' > \"$1" + INITRAMFS_MODULES + "\""
            + " && printf '%s\\n' " + String.join(" ", NO_UDEV_HOOK.stream().map(l -> "'" + l + "'").toList())
            + " > \"$1" + INITRAMFS_NO_UDEV + "\" && chmod 755 \"$1" + INITRAMFS_NO_UDEV + "\"";

    /** Where every image keeps its module blacklist. */
    public static final String MODULE_BLACKLIST = "/etc/modprobe.d/hostspec-boot.conf";

    /**
     * Modules udev would load at every boot because QEMU's {@code -cpu max} announces the CPU features they serve: KVM
     * (no nested virtualisation under TCG), the SIMD versions of ciphers and hashes (the generic ones do the same
     * work), CPU frequency drivers. Loading them took about 15 s of the one vCPU in a cold boot of xoa. Blacklisting
     * stops only the automatic load: {@code modprobe NAME} still loads one.
     */
    public static final List<String> BLACKLISTED_MODULES = List.of("kvm", "kvm_amd", "kvm_intel", "irqbypass",
            "aesni_intel", "ghash_clmulni_intel", "sha1_ssse3", "sha256_ssse3", "sha512_ssse3", "crc32_pclmul",
            "crct10dif_pclmul", "polyval_clmulni", "powernow_k8", "acpi_cpufreq", "pcspkr");

    /** mmdebstrap customize hook ({@code $1} the root), after every package is installed. */
    public static final String CUSTOMIZE_HOOK = "true";

    /**
     * Units masked in every image: each costs a process (and under TCG the translation of its code) on the way to
     * the guest agent, for something a test host does not use. Masking (a link to /dev/null in /etc) is what an
     * administrator would do; a recipe that writes its own unit of that name replaces the mask.
     * <ul>
     *   <li>file systems nobody mounts on a test host: huge pages, kernel debug/tracing/config, fuse control,
     *   binfmt_misc (the modules and devices still load on first use);</li>
     *   <li>modules loaded ahead of use (configfs, dm_mod, drm, efi_pstore, fuse, loop: the kernel loads them on
     *   first use), pstore (no EFI, no crash records), binfmt registration;</li>
     *   <li>first-boot and bookkeeping work that every cold boot of a fresh overlay would repeat: system users
     *   (made at package install), the random seed (virtio-rng seeds the kernel), committing a transient machine
     *   id, utmp records, the journal's move to /var (the journal stays in /run);</li>
     *   <li>periodic jobs that would run apt, man-db or fstrim in the middle of a test.</li>
     * </ul>
     */
    public static final List<String> MASKED_UNITS = List.of(
            "dev-hugepages.mount", "sys-kernel-debug.mount", "sys-kernel-tracing.mount", "sys-kernel-config.mount",
            "sys-fs-fuse-connections.mount", "proc-sys-fs-binfmt_misc.automount", "systemd-binfmt.service",
            "modprobe@configfs.service", "modprobe@dm_mod.service", "modprobe@drm.service",
            "modprobe@efi_pstore.service", "modprobe@fuse.service", "modprobe@loop.service", "systemd-pstore.service",
            "systemd-sysusers.service", "systemd-random-seed.service", "systemd-machine-id-commit.service",
            "systemd-update-utmp.service", "systemd-update-utmp-runlevel.service", "systemd-journal-flush.service",
            "e2scrub_reap.service", "apt-daily.timer", "apt-daily-upgrade.timer", "dpkg-db-backup.timer",
            "fstrim.timer", "e2scrub_all.timer", "man-db.timer");

    /**
     * Generators masked in every image: they look for disks, partitions, encrypted or hibernated volumes a microvm
     * never has, and each is a process on the way to the first unit.
     */
    public static final List<String> MASKED_GENERATORS = List.of("systemd-gpt-auto-generator",
            "systemd-hibernate-resume-generator", "systemd-cryptsetup-generator", "systemd-integritysetup-generator",
            "systemd-veritysetup-generator", "systemd-system-update-generator");

    private GuestBoot() {
    }

    /**
     * Applies the per-image part to a root file system that holds its packages.
     *
     * @param rootfs      the image's root file system
     * @param recipeUnits the units the recipe installs or enables: never masked
     */
    public static void apply(Rootfs rootfs, java.util.Set<String> recipeUnits) throws IOException {
        for (String unit : MASKED_UNITS) {
            if (!recipeUnits.contains(unit) && !rootfs.exists("/etc/systemd/system/" + unit)) {
                rootfs.symlink("/etc/systemd/system/" + unit, "/dev/null");
            }
        }
        for (String generator : MASKED_GENERATORS) {
            rootfs.symlink("/etc/systemd/system-generators/" + generator, "/dev/null");
        }
        StringBuilder blacklist = new StringBuilder("# hostspec: not loaded automatically at boot (GuestBoot)\n");
        BLACKLISTED_MODULES.forEach(m -> blacklist.append("blacklist ").append(m).append('\n'));
        rootfs.write(MODULE_BLACKLIST, blacklist.toString(), 0644, 0, 0);
    }
}
