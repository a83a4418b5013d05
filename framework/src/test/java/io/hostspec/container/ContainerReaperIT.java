package io.hostspec.container;

import io.hostspec.machine.Timeouts;
import io.hostspec.net.NetworkPlan;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A JVM killed with SIGKILL runs no shutdown hook, so its containers and networks outlive it; the next JVM's engine
 * reaps them by their labels (the pid and start time of a JVM that is gone). A child JVM starts a container on a LAN
 * and is killed; then the engine's reaper runs and the engine holds what it held before the child.
 */
class ContainerReaperIT {

    /** The child JVM: starts one container on one LAN, prints its id, then waits to be killed. */
    public static void main(String[] args) throws Exception {
        ContainerEngine engine = ContainerEngine.get();
        ContainerNetwork network = ContainerNetwork.start(engine, NetworkPlan.of(List.of(
                NetworkPlan.Member.of("orphan"))));
        ContainerMachine machine = new ContainerMachine(engine, new ContainerMachine.Spec("orphan",
                ContainerImages.nameOf(ContainerMachineIT.devImage()), network.endpoints("orphan"),
                network.extraHosts("orphan")));
        machine.start();
        machine.waitUntilReady(Timeouts.boot());
        System.out.println("CONTAINER " + machine.pid().orElseThrow());
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(5).toMillis());
    }

    @Test
    void containersAndNetworksOfAKilledJvmAreReaped() throws Exception {
        ContainerEngine engine = EngineForTests.require();
        ContainerImages.ensure(engine, "orphan", ContainerMachineIT.devImage()); // not inside the child's deadline
        List<String> containersBefore = ContainerMachineIT.docker("ps", "-a", "-q", "--no-trunc");
        List<String> networksBefore = ContainerMachineIT.docker("network", "ls", "-q", "--no-trunc");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                ContainerReaperIT.class.getName())).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            String started = null;
            while ((line = out.readLine()) != null) {
                if (line.startsWith("CONTAINER ")) {
                    started = line;
                    break;
                }
            }
            assertNotNull(started, "the child JVM did not start a container");
            assertTrue(ContainerMachineIT.docker("ps", "-a", "-q", "--no-trunc").size() > containersBefore.size(),
                    "the child's container should exist before the kill");
            child.destroyForcibly(); // SIGKILL: no shutdown hook runs
            child.waitFor();
            assertTrue(ContainerMachineIT.docker("ps", "-a", "-q", "--no-trunc").size() > containersBefore.size(),
                    "nothing removes the container of a killed JVM but the reaper");

            engine.reapStale();

            assertEquals(containersBefore, ContainerMachineIT.docker("ps", "-a", "-q", "--no-trunc"),
                    "containers of the killed JVM left behind");
            assertEquals(networksBefore, ContainerMachineIT.docker("network", "ls", "-q", "--no-trunc"),
                    "networks of the killed JVM left behind");
        } finally {
            child.destroyForcibly();
        }
    }
}
