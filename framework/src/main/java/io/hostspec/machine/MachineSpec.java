package io.hostspec.machine;

import io.hostspec.image.BuiltImage;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What a machine is: its name, the image it boots and its virtual hardware. Immutable; every {@code withX} returns a
 * new instance. Create with {@link #of(String, BuiltImage)}.
 *
 * @param name               host name; lowercase letters, digits and dashes
 * @param image              the image to boot (through a private overlay)
 * @param memoryMiB          guest RAM in MiB, at least 128
 * @param cores              guest vCPUs, at least 1
 * @param extraQemuArgs      further QEMU arguments (e.g. network devices)
 * @param kernelCmdlineExtra appended to the kernel command line, may be empty
 * @param disks              extra virtual disks, empty when the machine is created, kept across its reboots and crashes
 * @param tpm                whether the machine has an emulated TPM 2.0 (swtpm), its state kept across reboots and
 *                           crashes
 */
public record MachineSpec(String name, BuiltImage image, int memoryMiB, int cores, List<String> extraQemuArgs,
                          String kernelCmdlineExtra, List<Disk> disks, boolean tpm) {

    /**
     * An extra virtual disk.
     *
     * @param serial  its serial number: the guest finds it as {@code /dev/disk/by-id/virtio-<serial>}
     * @param sizeMiB its size in MiB
     */
    public record Disk(String serial, long sizeMiB) {
        /** Validates. */
        public Disk {
            if (serial == null || !serial.matches("[A-Za-z0-9_.-]{1,20}")) {
                throw new IllegalArgumentException("disk serial must be 1-20 letters, digits, '_', '.' or '-': "
                        + serial);
            }
            if (sizeMiB < 1) {
                throw new IllegalArgumentException("disk " + serial + ": size must be >= 1 MiB, got " + sizeMiB);
            }
        }
    }

    /** Default guest RAM. */
    public static final int DEFAULT_MEMORY_MIB = 512;
    /** Default vCPU count. */
    public static final int DEFAULT_CORES = 1;
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?");

    /** Validates and copies the components. */
    public MachineSpec {
        Objects.requireNonNull(name, "name");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("machine name '" + name
                    + "' must be 1-32 lowercase letters, digits or dashes, not starting or ending with a dash");
        }
        Objects.requireNonNull(image, "image of machine " + name);
        if (memoryMiB < 128) {
            throw new IllegalArgumentException("machine " + name + ": memoryMiB must be >= 128, got " + memoryMiB);
        }
        if (cores < 1) {
            throw new IllegalArgumentException("machine " + name + ": cores must be >= 1, got " + cores);
        }
        extraQemuArgs = List.copyOf(extraQemuArgs);
        disks = List.copyOf(disks);
        kernelCmdlineExtra = kernelCmdlineExtra == null ? "" : kernelCmdlineExtra.strip();
    }

    /** A machine without extra disks or TPM. */
    public MachineSpec(String name, BuiltImage image, int memoryMiB, int cores, List<String> extraQemuArgs,
                       String kernelCmdlineExtra) {
        this(name, image, memoryMiB, cores, extraQemuArgs, kernelCmdlineExtra, List.of(), false);
    }

    /**
     * A machine with default hardware ({@value #DEFAULT_MEMORY_MIB} MiB, {@value #DEFAULT_CORES} core).
     *
     * @param name  host name
     * @param image image to boot
     * @return the spec
     */
    public static MachineSpec of(String name, BuiltImage image) {
        return new MachineSpec(name, image, DEFAULT_MEMORY_MIB, DEFAULT_CORES, List.of(), "");
    }

    /** @param memoryMiB guest RAM in MiB @return a copy with that memory */
    public MachineSpec withMemoryMiB(int memoryMiB) {
        return new MachineSpec(name, image, memoryMiB, cores, extraQemuArgs, kernelCmdlineExtra, disks, tpm);
    }

    /** @param cores vCPU count @return a copy with that many cores */
    public MachineSpec withCores(int cores) {
        return new MachineSpec(name, image, memoryMiB, cores, extraQemuArgs, kernelCmdlineExtra, disks, tpm);
    }

    /** @param args further QEMU arguments, replacing the current ones @return a copy with those arguments */
    public MachineSpec withExtraQemuArgs(List<String> args) {
        return new MachineSpec(name, image, memoryMiB, cores, args, kernelCmdlineExtra, disks, tpm);
    }

    /** @param extra text appended to the kernel command line @return a copy with it */
    public MachineSpec withKernelCmdlineExtra(String extra) {
        return new MachineSpec(name, image, memoryMiB, cores, extraQemuArgs, extra, disks, tpm);
    }

    /** @param name host name @return a copy with that name (same image and hardware) */
    public MachineSpec withName(String name) {
        return new MachineSpec(name, image, memoryMiB, cores, extraQemuArgs, kernelCmdlineExtra, disks, tpm);
    }

    /** @param image the image to boot @return a copy booting that image */
    public MachineSpec withImage(BuiltImage image) {
        return new MachineSpec(name, image, memoryMiB, cores, extraQemuArgs, kernelCmdlineExtra, disks, tpm);
    }

    /** @param more extra virtual disks, replacing the current ones @return a copy with them */
    public MachineSpec withDisks(List<Disk> more) {
        return new MachineSpec(name, image, memoryMiB, cores, extraQemuArgs, kernelCmdlineExtra, more, tpm);
    }

    /** @param enabled whether the machine has an emulated TPM 2.0 @return a copy with or without it */
    public MachineSpec withTpm(boolean enabled) {
        return new MachineSpec(name, image, memoryMiB, cores, extraQemuArgs, kernelCmdlineExtra, disks, enabled);
    }

    /**
     * Whether the machine can start from a warm snapshot: not with extra disks or a TPM, whose state (a partition
     * table formatted on the first boot, a TPM's keys) would have to be saved and restored with the RAM.
     */
    public boolean warmable() {
        return disks.isEmpty() && !tpm;
    }
}
