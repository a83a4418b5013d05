package io.hostspec.machine.internal;

import java.nio.file.Path;
import java.util.List;

/**
 * QEMU arguments of the optional devices of a microvm guest: extra virtio disks and an emulated TPM 2.0. microvm
 * carries a TPM: {@code tpm-tis} sits on its ISA bus at the standard address, and since microvm's ACPI tables have no
 * TPM2 table the guest kernel is told to probe that address ({@link #TPM_KERNEL_OPTIONS}).
 */
public final class QemuDevices {

    /**
     * Kernel options of a guest with a TPM: probe the TIS interface at its fixed address (no ACPI TPM2 table on
     * microvm), and poll instead of waiting for an interrupt microvm does not route.
     */
    public static final String TPM_KERNEL_OPTIONS = "tpm_tis.force=1 tpm_tis.interrupts=0";

    private QemuDevices() {
    }

    /**
     * An extra virtio disk on a raw file. Disks are attached after the root disk, so the root stays {@code /dev/vda};
     * the guest finds each by its serial as {@code /dev/disk/by-id/virtio-<serial>}.
     *
     * @param index  0 for the first extra disk
     * @param file   the raw disk file
     * @param serial the disk's serial (at most 20 characters)
     * @return the arguments
     */
    public static List<String> disk(int index, Path file, String serial) {
        return List.of("-drive", "id=disk" + index + ",file=" + escape(file) + ",format=raw,if=none",
                "-device", "virtio-blk-device,drive=disk" + index + ",serial=" + serial);
    }

    /**
     * A TPM 2.0 on the TIS interface, backed by an swtpm listening on {@code socket} (its control channel).
     *
     * @param socket swtpm's control socket
     * @return the arguments
     */
    public static List<String> tpm(Path socket) {
        return List.of("-chardev", "socket,id=chrtpm,path=" + escape(socket),
                "-tpmdev", "emulator,id=tpm0,chardev=chrtpm",
                "-device", "tpm-tis,tpmdev=tpm0");
    }

    /**
     * The command line of swtpm for one machine: a TPM 2.0 whose state lives in {@code stateDir}, controlled through
     * {@code socket}, ending when QEMU closes the connection (so each QEMU launch gets its own swtpm on the same state).
     *
     * @param stateDir the TPM's state directory (kept across the machine's reboots and crashes)
     * @param socket   the control socket QEMU connects to
     * @param log      swtpm's own log
     * @return the arguments, starting with the binary
     */
    public static List<String> swtpm(Path stateDir, Path socket, Path log) {
        return List.of("swtpm", "socket", "--tpm2", "--tpmstate", "dir=" + escape(stateDir),
                "--ctrl", "type=unixio,path=" + escape(socket), "--terminate",
                "--log", "file=" + escape(log) + ",level=1");
    }

    // QEMU and swtpm option values separate with commas; a literal comma is written twice.
    private static String escape(Path path) {
        return path.toString().replace(",", ",,");
    }
}
