package io.hostspec.net.internal;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * The command line of one {@code vde_switch}: in the foreground (never {@code -daemon}, which would escape the
 * parent-death signal), no tap, its control directory and management socket in the run directory.
 *
 * @param controlDirectory the switch's control directory ({@code -s}); QEMU connects to {@code <dir>/ctl}
 * @param managementSocket the management socket ({@code -M}), for debugging ({@code vdeterm})
 */
public record VdeSwitchCommand(Path controlDirectory, Path managementSocket) {

    /** The switch binary, taken from {@code PATH}. */
    public static final String BINARY = "vde_switch";
    /** Longest socket path accepted; sun_path holds 108 bytes and libvdeplug adds its own names in the directory. */
    public static final int MAX_SOCKET_PATH = 90;

    /** Validates the paths. */
    public VdeSwitchCommand {
        Objects.requireNonNull(controlDirectory, "controlDirectory");
        Objects.requireNonNull(managementSocket, "managementSocket");
        for (Path p : List.of(controlSocket(controlDirectory), managementSocket)) {
            if (p.toString().length() > MAX_SOCKET_PATH) {
                throw new IllegalArgumentException("unix socket path too long (max " + MAX_SOCKET_PATH + " chars): "
                        + p + "; set java.io.tmpdir to a shorter directory");
            }
        }
    }

    /** @return the control socket QEMU connects to */
    public Path controlSocket() {
        return controlSocket(controlDirectory);
    }

    private static Path controlSocket(Path dir) {
        return dir.resolve("ctl");
    }

    /** @return the argument list, starting with the binary */
    public List<String> toArgs() {
        return List.of(BINARY, "-s", controlDirectory.toString(), "-M", managementSocket.toString(),
                "-m", "600", "--dirmode", "700");
    }
}
