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
 * @param clockPipe     base path of the FIFOs of the guest's clock port ({@link ClockPort})
 * @param consoleLog    file receiving the serial console
 * @param extraArgs     further QEMU arguments (networking)
 * @param loadvm        internal snapshot to restore at start, if any
 * @param incoming      a saved device (and RAM) state to load: QEMU starts with {@code -incoming defer} and waits for
 *                      QMP {@code migrate-incoming} with {@link #incomingUri()}; the guest then stays paused until
 *                      QMP {@code cont}
 * @param ramFile       a file backing guest RAM ({@code memory-backend-file}), if any; otherwise anonymous memory
 */
public record QemuCommand(String accel, int memoryMiB, int cores, Path kernel, Path initrd, String kernelCmdline,
                          Path disk, Path qmpSocket, Path agentSocket, Path clockPipe, Path consoleLog,
                          List<String> extraArgs, Optional<String> loadvm, Optional<Path> incoming,
                          Optional<RamFile> ramFile) {

    /**
     * Guest RAM mapped from a file.
     *
     * @param path   the file (created at the memory size when absent)
     * @param shared {@code true}: MAP_SHARED, guest writes reach the file (a snapshot boot); {@code false}:
     *               MAP_PRIVATE, copy-on-write, the file is only read and its pages are shared with other readers
     */
    public record RamFile(Path path, boolean shared) {
        /** Validates. */
        public RamFile {
            Objects.requireNonNull(path, "path");
        }
    }

    /** The QEMU binary, taken from {@code PATH}. */
    public static final String BINARY = "qemu-system-x86_64";

    /**
     * Kernel command line options every guest boots with, for a shorter cold boot of the microvm: no crypto
     * self-tests (seconds under TCG), the root file system type given instead of probed, no resume device to look
     * for, no IO-APIC timer check, and no speculative-execution mitigations (retpolines and barriers cost TCG
     * translated code on every indirect call; a test guest runs nothing untrusted).
     */
    public static final String BOOT_OPTIONS = "cryptomgr.notests rootfstype=ext4 noresume no_timer_check mitigations=off";

    /** Validates and copies the components. */
    public QemuCommand {
        Objects.requireNonNull(accel, "accel");
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(clockPipe, "clockPipe");
        extraArgs = List.copyOf(extraArgs);
        Objects.requireNonNull(loadvm, "loadvm");
        Objects.requireNonNull(incoming, "incoming");
        Objects.requireNonNull(ramFile, "ramFile");
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
     * @param clockPipe     base path of the clock port's FIFOs
     * @param consoleLog    serial console file
     * @param extraArgs     further QEMU arguments
     * @param loadvm        internal snapshot to restore at start, if any
     */
    public QemuCommand(String accel, int memoryMiB, int cores, Path kernel, Path initrd, String kernelCmdline,
                       Path disk, Path qmpSocket, Path agentSocket, Path clockPipe, Path consoleLog,
                       List<String> extraArgs, Optional<String> loadvm) {
        this(accel, memoryMiB, cores, kernel, initrd, kernelCmdline, disk, qmpSocket, agentSocket, clockPipe,
                consoleLog, extraArgs, loadvm, Optional.empty(), Optional.empty());
    }

    /**
     * @param state the saved state to load at start
     * @return a copy that loads it ({@code -incoming}) instead of booting
     */
    public QemuCommand withIncoming(Path state) {
        return new QemuCommand(accel, memoryMiB, cores, kernel, initrd, kernelCmdline, disk, qmpSocket, agentSocket,
                clockPipe, consoleLog, extraArgs, loadvm, Optional.of(state), ramFile);
    }

    /**
     * @param file the file backing guest RAM
     * @return a copy whose RAM is mapped from it
     */
    public QemuCommand withRamFile(RamFile file) {
        return new QemuCommand(accel, memoryMiB, cores, kernel, initrd, kernelCmdline, disk, qmpSocket, agentSocket,
                clockPipe, consoleLog, extraArgs, loadvm, incoming, Optional.of(file));
    }

    /** @return the URI for QMP {@code migrate-incoming} that loads {@link #incoming()} */
    public Optional<String> incomingUri() {
        return incoming.map(state -> "exec:cat '" + state + "'");
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
                "-device", "virtserialport,chardev=qga0,name=org.qemu.guest_agent.0"));
        args.addAll(new ClockPort(clockPipe).qemuArgs("clk0"));
        args.addAll(List.of(
                "-chardev", "socket,id=qmp0,path=" + escape(qmpSocket) + ",server=on,wait=off",
                "-mon", "chardev=qmp0,mode=control",
                "-chardev", "file,id=con0,path=" + escape(consoleLog),
                "-serial", "chardev:con0"));
        ramFile.ifPresent(file -> {
            args.add("-object");
            args.add("memory-backend-file,id=ram0,size=" + memoryMiB + "M,mem-path=" + escape(file.path())
                    + ",share=" + (file.shared() ? "on" : "off"));
            args.add("-machine");
            args.add("memory-backend=ram0");
        });
        args.addAll(extraArgs);
        loadvm.ifPresent(name -> {
            args.add("-loadvm");
            args.add(name);
        });
        incoming.ifPresent(state -> {
            args.add("-incoming");
            args.add("defer");
        });
        return List.copyOf(args);
    }

    // QEMU option values separate with commas; a literal comma is written twice.
    private static String escape(Path path) {
        return path.toString().replace(",", ",,");
    }
}
