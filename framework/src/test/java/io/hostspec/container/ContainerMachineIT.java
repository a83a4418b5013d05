package io.hostspec.container;

import io.hostspec.image.BuiltImage;
import io.hostspec.image.ImageBuilder;
import io.hostspec.machine.Backend;
import io.hostspec.machine.ExecResult;
import io.hostspec.machine.Lab;
import io.hostspec.machine.Machine;
import io.hostspec.machine.MachineException;
import io.hostspec.machine.Timeouts;
import io.hostspec.net.NetworkPlan;
import io.hostspec.realize.Recipe;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two hosts of the smallest image as systemd containers on one internal LAN, driven through the machine contract; the
 * engine holds no container or network of the test before it starts and after it closes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ContainerMachineIT {

    private static List<String> containersBefore;
    private static List<String> networksBefore;
    private static Lab lab;
    private static ContainerNetwork network;
    private static Machine alpha;
    private static Machine beta;

    @BeforeAll
    static void startTwo() throws Exception {
        ContainerEngine engine = EngineForTests.require();
        containersBefore = docker("ps", "-a", "-q", "--no-trunc");
        networksBefore = docker("network", "ls", "-q", "--no-trunc");
        String image = ContainerImages.ensure(engine, "devhost", devImage());
        network = ContainerNetwork.start(engine, NetworkPlan.of(List.of(NetworkPlan.Member.of("alpha"),
                NetworkPlan.Member.of("beta"))));
        lab = Lab.create();
        alpha = lab.add(new ContainerMachine(engine, new ContainerMachine.Spec("alpha", image,
                network.endpoints("alpha"), network.extraHosts("alpha"))));
        beta = lab.add(new ContainerMachine(engine, new ContainerMachine.Spec("beta", image,
                network.endpoints("beta"), network.extraHosts("beta"))));
        long t0 = System.nanoTime();
        lab.startAll();
        System.out.printf("MEASURE two containers started until systemd answers: %.1f s%n",
                (System.nanoTime() - t0) / 1e9);
    }

    @AfterAll
    static void closeAndCheckNothingSurvives() throws Exception {
        if (lab == null) {
            return; // the engine was not there: the set-up's own error says so
        }
        lab.close();
        network.close();
        assertEquals(containersBefore, docker("ps", "-a", "-q", "--no-trunc"), "containers left behind");
        assertEquals(networksBefore, docker("network", "ls", "-q", "--no-trunc"), "networks left behind");
    }

    static BuiltImage devImage() {
        Recipe recipe = new Recipe("devhost", new TreeSet<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(),
                new TreeMap<>(), null, new TreeMap<>(), new TreeSet<>(), new TreeSet<>(),
                new Recipe.Hardware(1024, 1, new TreeSet<>()), new TreeMap<>(), new TreeMap<>());
        return ImageBuilder.create().build(recipe);
    }

    static List<String> docker(String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("docker"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        return out.lines().sorted().toList();
    }

    @Test
    @Order(1)
    void commandsKeepStdoutStderrAndExitCodes() {
        ExecResult result = alpha.execute("echo out; echo err >&2; exit 7");
        assertEquals(7, result.exitCode());
        assertEquals("out\n", result.stdout());
        assertEquals("err\n", result.stderr());
        assertEquals("alpha", alpha.succeed("hostname").strip());
        assertEquals("1", alpha.succeed("ps -o pid= -C systemd | head -1").strip());
        MachineException failed = assertThrows(MachineException.class, () -> alpha.succeed("exit 3"));
        assertTrue(failed.getMessage().contains("exit code 3"), failed.getMessage());
    }

    @Test
    @Order(2)
    void waitsAndFilesWorkThroughTheContract() {
        alpha.waitForUnit("systemd-journald.service", Duration.ofSeconds(60));
        byte[] bytes = new byte[70_000];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) i;
        }
        alpha.writeFile("/run/blob", bytes); // /run is a tmpfs
        assertArrayEquals(bytes, alpha.readBytes("/run/blob"));
        alpha.writeFile("/etc/hostspec-note", "hello\n");
        assertEquals("hello\n", alpha.readFile("/etc/hostspec-note"));
        MachineException unit = assertThrows(MachineException.class,
                () -> alpha.waitForUnit("no-such.service", Duration.ofSeconds(30)));
        assertTrue(unit.getMessage().contains("will not become active"), unit.getMessage());
    }

    @Test
    @Order(3)
    void hostsReachEachOtherByNameAndNothingElse() {
        String beta1 = beta.succeed("ip -4 -o addr show | awk '{ print $4 }' | grep '^198[.]18[.]1[.]' | cut -d/ -f1").strip();
        assertEquals(alpha.succeed("getent hosts beta | head -1 | cut -d' ' -f1").strip(), beta1);
        alpha.succeed("ping -c 1 -W 2 beta");
        // no default route: the kernel refuses before a packet leaves
        ExecResult out = alpha.execute("ip route get 192.0.2.1");
        assertNotEquals(0, out.exitCode(), out.stdout());
    }

    @Test
    @Order(4)
    void crashShutdownStartAndRebootKeepTheDisk() {
        alpha.succeed("echo kept > /var/lib/hostspec-kept");
        alpha.crash();
        assertFalse(alpha.isRunning());
        MachineException down = assertThrows(MachineException.class, () -> alpha.execute("true"));
        assertTrue(down.getMessage().contains("crashed"), down.getMessage());
        alpha.start();
        alpha.waitUntilReady(Timeouts.boot());
        assertEquals("kept", alpha.succeed("cat /var/lib/hostspec-kept").strip());
        alpha.shutdown();
        assertFalse(alpha.isRunning());
        alpha.start();
        alpha.waitUntilReady(Timeouts.boot());
        alpha.reboot();
        assertEquals("kept", alpha.succeed("cat /var/lib/hostspec-kept").strip());
    }

    @Test
    @Order(5)
    void whatAContainerCannotHonourFailsNamingTheBackend() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                () -> alpha.require(Backend.Capability.KERNEL_MODULES));
        assertTrue(e.getMessage().contains("container backend cannot honour kernel modules"), e.getMessage());
    }
}
