package io.hostspec.scenarios;

import io.hostspec.junit.HostspecTest;
import io.hostspec.junit.TestHosts;
import io.hostspec.lab.Host;
import io.hostspec.machine.Backend;
import io.hostspec.machine.Lab;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.launcher.core.LauncherFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static io.hostspec.junit.HostDeclaration.host;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder.request;

/**
 * A JVM running a {@code @HostspecTest} through the JUnit Platform launcher, killed in the middle of the test while its
 * guest and LAN switch run: with SIGTERM (a CI cancel, Ctrl-C) its QEMU and vde_switch end and its run directory is
 * deleted; with SIGKILL they end by the parent-death signal and the next lab reaps the run directory. Processes are
 * the killed JVM's own descendants, followed by pid.
 */
class JUnitKillIT {

    private static final Path RUNS = Path.of(System.getProperty("java.io.tmpdir"), "hostspec-runs");

    /** The child JVM: runs {@link Victim} through the launcher, as surefire or an IDE would. */
    public static void main(String[] args) {
        LauncherFactory.create().execute(request().selectors(selectClass(Victim.class)).build());
    }

    /** Boots xoa, says so, and waits to be killed; run only in {@link #main}'s JVM. */
    @HostspecTest
    static class Victim {
        static final TestHosts HOSTS = TestHosts.of(host("xoa").from("hosts/xoa"));

        @Test
        void waitsToBeKilled(Host xoa) throws InterruptedException {
            xoa.succeed("true");
            System.out.println("RUNNING " + xoa.machine().pid().orElseThrow());
            System.out.flush();
            new CountDownLatch(1).await(5, TimeUnit.MINUTES);
        }
    }

    @TempDir
    Path work;

    @Test
    void sigtermEndsTheGuestAndTheSwitchAndDeletesTheRunDirectory() throws Exception {
        Killed k = killMidTest(false);
        assertFalse(Files.exists(k.runDir()), "run directory left behind: " + k.runDir());
    }

    @Test
    void sigkillEndsTheGuestAndTheSwitchAndTheNextLabReapsTheRunDirectory() throws Exception {
        Killed k = killMidTest(true);
        Lab.create().close(); // a new lab reaps the runs of dead JVMs
        await("stale run directory " + k.runDir() + " reaped").atMost(Duration.ofSeconds(10))
                .until(() -> !Files.exists(k.runDir()));
    }

    private record Killed(Path runDir) {
    }

    private Killed killMidTest(boolean sigkill) throws Exception {
        assumeTrue(Backend.forRun() == Backend.VM, "QEMU and vde_switch are the VM backend's processes");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
        for (String p : List.of("hostspec.root", "hostspec.cache", "hostspec.timeout")) {
            if (System.getProperty(p) != null) {
                command.add("-D" + p + "=" + System.getProperty(p));
            }
        }
        command.addAll(List.of("-Dallure.results.directory=" + work.resolve("allure-results"),
                "-Dhostspec.reportDir=" + work.resolve("report"), "-Dhostspec.log=" + work.resolve("hostspec.log"),
                JUnitKillIT.class.getName()));
        Path console = work.resolve("console.txt");
        Process child = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        List<ProcessHandle> children = new ArrayList<>();
        try {
            await("the test's guest runs").atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofSeconds(1))
                    .failFast("the child JVM ended early:\n" + tail(console), () -> !child.isAlive())
                    .until(() -> Files.readString(console).contains("RUNNING "));
            children.addAll(descendants(child, "qemu-system"));
            children.addAll(descendants(child, "vde_switch"));
            assertEquals(2, children.size(), "expected one QEMU and one switch: " + children);
            List<Path> runDirs = runDirectoriesOf(child.pid());
            assertEquals(1, runDirs.size(), "run directories of the child: " + runDirs);

            if (sigkill) {
                child.destroyForcibly();
            } else {
                child.destroy();
            }
            assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child did not end:\n" + tail(console));
            for (ProcessHandle p : children) {
                await("pid " + p.pid() + " ends").atMost(Duration.ofSeconds(15)).until(() -> !p.isAlive());
            }
            return new Killed(runDirs.get(0));
        } finally {
            child.destroyForcibly();
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static String tail(Path file) throws IOException {
        if (!Files.exists(file)) {
            return "";
        }
        List<String> lines = Files.readAllLines(file);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    private static List<ProcessHandle> descendants(Process process, String program) {
        return process.descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().orElse("").contains(program)).toList();
    }

    private static List<Path> runDirectoriesOf(long pid) throws IOException {
        if (!Files.isDirectory(RUNS)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(RUNS)) {
            return s.filter(d -> d.getFileName().toString().startsWith(pid + "-")).toList();
        }
    }
}
