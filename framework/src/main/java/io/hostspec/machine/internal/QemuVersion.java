package io.hostspec.machine.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** The version of the QEMU binary on {@code PATH}, asked once per JVM (part of a warm snapshot's hardware key). */
public final class QemuVersion {

    private static volatile String cached;

    private QemuVersion() {
    }

    /** @return the first line of {@code qemu-system-x86_64 --version}, or {@code unknown} when it cannot be run */
    public static String get() {
        String version = cached;
        if (version == null) {
            version = ask();
            cached = version;
        }
        return version;
    }

    private static String ask() {
        try {
            Process process = new ProcessBuilder(QemuCommand.BINARY, "--version").redirectErrorStream(true).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "unknown";
            }
            return out.lines().findFirst().orElse("unknown").strip();
        } catch (IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
