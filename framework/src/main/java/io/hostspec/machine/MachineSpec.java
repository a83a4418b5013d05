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
 */
public record MachineSpec(String name, BuiltImage image, int memoryMiB, int cores, List<String> extraQemuArgs,
                          String kernelCmdlineExtra) {

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
        kernelCmdlineExtra = kernelCmdlineExtra == null ? "" : kernelCmdlineExtra.strip();
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
        return new MachineSpec(name, image, memoryMiB, cores, extraQemuArgs, kernelCmdlineExtra);
    }

    /** @param cores vCPU count @return a copy with that many cores */
    public MachineSpec withCores(int cores) {
        return new MachineSpec(name, image, memoryMiB, cores, extraQemuArgs, kernelCmdlineExtra);
    }

    /** @param args further QEMU arguments, replacing the current ones @return a copy with those arguments */
    public MachineSpec withExtraQemuArgs(List<String> args) {
        return new MachineSpec(name, image, memoryMiB, cores, args, kernelCmdlineExtra);
    }

    /** @param extra text appended to the kernel command line @return a copy with it */
    public MachineSpec withKernelCmdlineExtra(String extra) {
        return new MachineSpec(name, image, memoryMiB, cores, extraQemuArgs, extra);
    }

    /** @param name host name @return a copy with that name (same image and hardware) */
    public MachineSpec withName(String name) {
        return new MachineSpec(name, image, memoryMiB, cores, extraQemuArgs, kernelCmdlineExtra);
    }

    /** @param image the image to boot @return a copy booting that image */
    public MachineSpec withImage(BuiltImage image) {
        return new MachineSpec(name, image, memoryMiB, cores, extraQemuArgs, kernelCmdlineExtra);
    }
}
