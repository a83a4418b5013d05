package io.hostspec.machine.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The command line of one microvm guest: direct kernel boot, a qcow2 overlay as {@code /dev/vda}, the guest agent on
 * a virtio-serial port, QMP and the serial console on files/sockets of the run directory.
 *
 * @param accel         {@code kvm} or {@code tcg}
 * @param memoryMiB     guest RAM
 * @param cores         guest vCPUs
 * @param kernel        kernel for direct boot
 * @param initrd        initrd for direct boot
 * @param kernelCmdline full kernel command line
 * @param disk          the machine's qcow2 overlay
 * @param qmpSocket     unix socket QEMU listens on for QMP
 * @param agentSocket   unix socket QEMU listens on for the guest agent's port
 * @param consoleLog    file receiving the serial console
 * @param extraArgs     further QEMU arguments (networking)
 * @param loadvm        internal snapshot to restore at start, if any
 * @param incoming      a saved device and RAM state to load at start ({@code -incoming exec:cat FILE}), if any; the
 *                      guest then stays paused until QMP {@code cont}
 */
public record QemuCommand(String accel, int memoryMiB, int cores, Path kernel, Path initrd, String kernelCmdline,
                          Path disk, Path qmpSocket, Path agentSocket, Path consoleLog, List<String> extraArgs,
                          Optional<String> loadvm, Optional<Path> incoming) {

    /** The QEMU binary, taken from {@code PATH}. */
    public static final String BINARY = "qemu-system-x86_64";

    /** Validates and copies the components. */
    public QemuCommand {
        Objects.requireNonNull(accel, "accel");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(disk, "disk");
        extraArgs = List.copyOf(extraArgs);
        Objects.requireNonNull(loadvm, "loadvm");
        Objects.requireNonNull(incoming, "incoming");
        incoming.ifPresent(state -> {
            // the path goes through a shell (exec:); refuse what would need quoting beyond single quotes
            if (state.toString().contains("'")) {
                throw new IllegalArgumentException("state file path must not contain a single quote: " + state);
            }
        });
        for (Path socket : List.of(qmpSocket, agentSocket)) {
            // sun_path holds 108 bytes; a longer path fails later with an obscure bind error inside QEMU
            if (socket.toString().length() > 100) {
                throw new IllegalArgumentException("unix socket path too long (max 100 chars): " + socket
                        + "; set java.io.tmpdir to a shorter directory");
            }
        }
    }

    /**
     * A command without an incoming state.
     *
     * @param accel         {@code kvm} or {@code tcg}
     * @param memoryMiB     guest RAM
     * @param cores         guest vCPUs
     * @param kernel        kernel for direct boot
     * @param initrd        initrd for direct boot
     * @param kernelCmdline full kernel command line
     * @param disk          the machine's qcow2 overlay
     * @param qmpSocket     QMP socket
     * @param agentSocket   guest agent socket
     * @param consoleLog    serial console file
     * @param extraArgs     further QEMU arguments
     * @param loadvm        internal snapshot to restore at start, if any
     */
    public QemuCommand(String accel, int memoryMiB, int cores, Path kernel, Path initrd, String kernelCmdline,
                       Path disk, Path qmpSocket, Path agentSocket, Path consoleLog, List<String> extraArgs,
                       Optional<String> loadvm) {
        this(accel, memoryMiB, cores, kernel, initrd, kernelCmdline, disk, qmpSocket, agentSocket, consoleLog,
                extraArgs, loadvm, Optional.empty());
    }

    /**
     * @param state the saved state to load at start
     * @return a copy that loads it ({@code -incoming}) instead of booting
     */
    public QemuCommand withIncoming(Path state) {
        return new QemuCommand(accel, memoryMiB, cores, kernel, initrd, kernelCmdline, disk, qmpSocket, agentSocket,
                consoleLog, extraArgs, loadvm, Optional.of(state));
    }

    /** @return the argument list, starting with the QEMU binary */
    public List<String> toArgs() {
        List<String> args = new ArrayList<>(List.of(BINARY,
                "-M", "microvm,acpi=on",
                "-accel", accel,
                "-cpu", "max",
                "-m", Integer.toString(memoryMiB),
                "-smp", Integer.toString(cores),
                "-nodefaults", "-no-user-config", "-nographic",
                // microvm cannot warm-reset (the rebooted kernel hangs calibrating its timer), so a guest reboot
                // makes QEMU exit and the machine relaunches it on the same overlay.
                "-no-reboot",
                "-kernel", kernel.toString(),
                "-initrd", initrd.toString(),
                "-append", kernelCmdline,
                "-drive", "id=root,file=" + escape(disk) + ",format=qcow2,if=none",
                "-device", "virtio-blk-device,drive=root",
                "-object", "rng-random,id=rng0,filename=/dev/urandom",
                "-device", "virtio-rng-device,rng=rng0",
                "-device", "virtio-serial-device",
                "-chardev", "socket,id=qga0,path=" + escape(agentSocket) + ",server=on,wait=off",
                "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0",
                "-chardev", "socket,id=qmp0,path=" + escape(qmpSocket) + ",server=on,wait=off",
                "-mon", "chardev=qmp0,mode=control",
                "-chardev", "file,id=con0,path=" + escape(consoleLog),
                "-serial", "chardev:con0"));
        args.addAll(extraArgs);
        loadvm.ifPresent(name -> {
            args.add("-loadvm");
            args.add(name);
        });
        incoming.ifPresent(state -> {
            args.add("-incoming");
            args.add("exec:cat '" + state + "'");
        });
        return List.copyOf(args);
    }

    // QEMU option values separate with commas; a literal comma is written twice.
    private static String escape(Path path) {
        return path.toString().replace(",", ",,");
    }
}
