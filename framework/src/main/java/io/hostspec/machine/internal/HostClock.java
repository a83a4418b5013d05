package io.hostspec.machine.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The host's TSC frequency. Under TCG the guest reads the host's TSC, but its kernel calibrates it against the
 * emulated PIT, which fails now and then on a loaded host; the guest then hangs at boot after "tsc: Marking TSC
 * unstable". Telling the guest the frequency ({@code tsc_early_khz=}) skips that calibration.
 */
public final class HostClock {

    private HostClock() {
    }

    /** @return the host CPU frequency in kHz from /proc/cpuinfo, if known */
    public static OptionalLong tscKhz() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(line -> line.startsWith("cpu MHz"))
                    .findFirst()
                    .map(line -> line.substring(line.indexOf(':') + 1).strip())
                    .map(mhz -> OptionalLong.of(Math.round(Double.parseDouble(mhz) * 1000)))
                    .orElse(OptionalLong.empty());
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
