package io.hostspec.machine.internal;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Starts every QEMU process of this JVM, and makes sure none outlives it.
 *
 * <p>Each QEMU runs under {@code setpriv --pdeathsig KILL}. The kernel delivers the parent-death signal when the
 * <em>thread</em> that forked the child exits, so all launches happen on one daemon thread that lives as long as the
 * JVM. A shutdown hook additionally kills every QEMU still running when the JVM exits normally.
 */
public final class QemuLauncher {

    private static final QemuLauncher INSTANCE = new QemuLauncher();

    private final ExecutorService launcherThread = Executors.newSingleThreadExecutor(runnable -> {
        Thread thread = new Thread(runnable, "hostspec-qemu-launcher");
        thread.setDaemon(true);
        return thread;
    });
    private final Set<Process> running = ConcurrentHashMap.newKeySet();
    private final Set<Runnable> afterKill = ConcurrentHashMap.newKeySet();

    private QemuLauncher() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::shutdown, "hostspec-qemu-reaper"));
    }

    /**
     * Registers a clean-up that runs when the JVM exits (normally, or on SIGINT/SIGTERM) after every launched process
     * is killed, e.g. deleting a run directory whose overlays those processes held open.
     *
     * @param cleanup runs once, in the shutdown hook
     */
    public void afterKillOnExit(Runnable cleanup) {
        afterKill.add(cleanup);
    }

    /** Withdraws a clean-up of {@link #afterKillOnExit} (it already ran, e.g. its directory was closed). */
    public void withdrawAfterKillOnExit(Runnable cleanup) {
        afterKill.remove(cleanup);
    }

    private void shutdown() {
        destroyAll();
        for (Runnable cleanup : List.copyOf(afterKill)) {
            try {
                cleanup.run();
            } catch (RuntimeException e) {
                System.err.println("hostspec: clean-up at exit failed: " + e);
            }
        }
    }

    /** @return the launcher of this JVM */
    public static QemuLauncher instance() {
        return INSTANCE;
    }

    /**
     * Launches a program (QEMU) under {@code setpriv --pdeathsig KILL} from the launcher thread.
     *
     * @param command the program and its arguments
     * @param output  file receiving the program's stdout and stderr (QEMU's own error messages)
     * @return the started process
     * @throws IOException when the program cannot be started
     */
    public Process launch(List<String> command, Path output) throws IOException {
        return launch(command, output, false);
    }

    /**
     * Launches a program under {@code setpriv --pdeathsig KILL} from the launcher thread, optionally with its
     * standard input kept open as a pipe. A program that runs in the foreground and exits on end-of-file of its
     * console ({@code vde_switch}) needs the open pipe; it then also ends when this JVM dies and the pipe closes.
     *
     * @param command       the program and its arguments
     * @param output        file receiving the program's stdout and stderr
     * @param keepStdinOpen true: stdin is a pipe held open by the returned process object; false: /dev/null
     * @return the started process
     * @throws IOException when the program cannot be started
     */
    public Process launch(List<String> command, Path output, boolean keepStdinOpen) throws IOException {
        List<String> full = new ArrayList<>(List.of("setpriv", "--pdeathsig", "KILL", "--"));
        full.addAll(command);
        ProcessBuilder builder = new ProcessBuilder(full)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()))
                .redirectInput(keepStdinOpen ? ProcessBuilder.Redirect.PIPE
                        : ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        try {
            Process process = launcherThread.submit(builder::start).get();
            running.add(process);
            process.onExit().thenAccept(running::remove);
            return process;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("cannot launch " + command.get(0), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while launching " + command.get(0), e);
        }
    }

    /** Kills (SIGKILL) every process this launcher started that is still running, and waits briefly for each. */
    public void destroyAll() {
        for (Process process : List.copyOf(running)) {
            process.destroyForcibly();
        }
        for (Process process : List.copyOf(running)) {
            try {
                process.waitFor(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
