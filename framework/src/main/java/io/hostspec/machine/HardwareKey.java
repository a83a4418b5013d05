package io.hostspec.machine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The virtual hardware a warm snapshot was taken on. QEMU can load a saved state only into a machine with the same
 * device configuration, so a snapshot is reused only when every component here is equal: QEMU version, accelerator,
 * machine type, memory, cores, kernel command line and the device list (so the NIC count). Per-run details that do not
 * change the devices (socket and file paths, MAC addresses) are left out, so every run and scenario shares one key.
 *
 * @param qemuVersion   first line of {@code qemu-system-x86_64 --version}
 * @param accel         {@code kvm} or {@code tcg}
 * @param memoryMiB     guest RAM
 * @param cores         guest vCPUs
 * @param kernelCmdline the full kernel command line
 * @param devices       the normalised extra QEMU arguments (see {@link #normalise(List)})
 */
public record HardwareKey(String qemuVersion, String accel, int memoryMiB, int cores, String kernelCmdline,
                          List<String> devices) {

    /** Machine type and CPU model every machine uses; part of the digest so a change invalidates all snapshots. */
    static final String MACHINE = "microvm,acpi=on;cpu=max;virtio-blk,virtio-rng,virtio-serial,qga;"
            + "ram=memory-backend-file,x-ignore-shared";
    // Options whose value is per run or per host and does not shape the device (paths, fds, MAC).
    private static final Pattern VOLATILE = Pattern.compile(
            "(mac|path|addr\\.path|fd|file|socket|sock|id|chardev|netdev)=.*");

    /** Validates and copies the components. */
    public HardwareKey {
        Objects.requireNonNull(qemuVersion, "qemuVersion");
        Objects.requireNonNull(accel, "accel");
        Objects.requireNonNull(kernelCmdline, "kernelCmdline");
        devices = List.copyOf(devices);
    }

    /**
     * The key of a machine spec on this host.
     *
     * @param spec          the machine
     * @param accel         the accelerator it runs with
     * @param kernelCmdline its full kernel command line
     * @param qemuVersion   the QEMU version string
     * @return the key
     */
    public static HardwareKey of(MachineSpec spec, String accel, String kernelCmdline, String qemuVersion) {
        return new HardwareKey(qemuVersion, accel, spec.memoryMiB(), spec.cores(), kernelCmdline,
                normalise(spec.extraQemuArgs()));
    }

    /**
     * Drops per-run values from QEMU arguments: in each comma-separated option list, parts naming ids, paths, file
     * descriptors or MAC addresses are removed, and values that are plain paths are replaced by {@code <path>}.
     * Two machines that differ only in where their sockets live get the same list; one more NIC gives a longer one.
     *
     * @param args extra QEMU arguments
     * @return the normalised list
     */
    public static List<String> normalise(List<String> args) {
        List<String> out = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("/")) {
                out.add("<path>");
                continue;
            }
            List<String> kept = new ArrayList<>();
            for (String part : arg.split(",")) {
                if (!VOLATILE.matcher(part).matches()) {
                    kept.add(part);
                }
            }
            out.add(String.join(",", kept));
        }
        return List.copyOf(out);
    }

    /** @return a human-readable, one-line-per-component description (written into the snapshot's manifest) */
    public String describe() {
        return "qemu=" + qemuVersion + "\nmachine=" + MACHINE + "\naccel=" + accel + "\nmemoryMiB=" + memoryMiB
                + "\ncores=" + cores + "\ncmdline=" + kernelCmdline + "\ndevices=" + String.join(" ", devices);
    }

    /** @return a short hex digest of {@link #describe()}, naming the snapshot's directory */
    public String digest() {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(describe().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
