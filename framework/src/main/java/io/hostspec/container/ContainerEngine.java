package io.hostspec.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Container;
import com.github.dockerjava.api.model.Network;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * The local Docker engine as the container backend uses it: offline Testcontainers settings, the one Docker client,
 * the labels every container and network of hostspec carries, and the reaper of what dead JVMs left behind (run at
 * first use, like the QEMU stale-run reaper) plus a shutdown hook removing this JVM's own. Nothing is ever pulled:
 * images come from {@link ContainerImages}.
 */
public final class ContainerEngine {

    /** Label on every hostspec container and network. */
    public static final String OWNER_LABEL = "io.hostspec.owner";
    /** Label value of {@link #OWNER_LABEL}. */
    public static final String OWNER = "hostspec";
    /** Label naming the pid of the JVM that created the resource. */
    public static final String JVM_LABEL = "io.hostspec.jvm";
    /** Label naming the start time (epoch ms) of that JVM, so a reused pid is not mistaken for it. */
    public static final String JVM_START_LABEL = "io.hostspec.jvm-start";
    /** The Docker socket used when {@code DOCKER_HOST} is not set. */
    public static final String DEFAULT_DOCKER_HOST = "unix:///var/run/docker.sock";
    /** How to get an engine, for messages. */
    public static final String HOW_TO_GET = "install and start it with `bash .ci/setup-host` (as root: apt-get "
            + "install -y docker.io, then dockerd), or choose the vm backend (--backend vm)";

    private static final Logger LOG = LoggerFactory.getLogger(ContainerEngine.class);
    private static final Map<String, String> REQUIRED_ENVIRONMENT = Map.of(
            "TESTCONTAINERS_RYUK_DISABLED", "true",
            "TESTCONTAINERS_CHECKS_DISABLE", "true");
    private static volatile ContainerEngine instance;

    private final DockerClient client;
    private final Map<String, String> labels;

    private ContainerEngine(DockerClient client) {
        this.client = client;
        ProcessHandle self = ProcessHandle.current();
        this.labels = Map.of(OWNER_LABEL, OWNER, JVM_LABEL, Long.toString(self.pid()),
                JVM_START_LABEL, Long.toString(startMillis(self)));
    }

    /**
     * The engine of this JVM, connected on first use: checks the offline settings, connects, reaps resources of dead
     * JVMs and registers the shutdown hook removing this JVM's.
     *
     * @return the engine
     * @throws IllegalStateException saying how to fix it when the settings are missing or no engine answers
     */
    public static ContainerEngine get() {
        ContainerEngine engine = instance;
        if (engine == null) {
            synchronized (ContainerEngine.class) {
                engine = instance;
                if (engine == null) {
                    engine = connect();
                    instance = engine;
                }
            }
        }
        return engine;
    }

    private static ContainerEngine connect() {
        configureOffline();
        DockerClientFactory factory = DockerClientFactory.instance();
        if (!factory.isDockerAvailable()) {
            throw new IllegalStateException("the container backend needs a Docker engine at "
                    + System.getProperty("DOCKER_HOST") + " and none answers; " + HOW_TO_GET);
        }
        ContainerEngine engine = new ContainerEngine(factory.client());
        int reaped = engine.reapStale();
        if (reaped > 0) {
            LOG.info("removed {} containers and networks left behind by dead hostspec runs", reaped);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(engine::removeOwn, "hostspec-container-reaper"));
        return engine;
    }

    /**
     * Sets the offline Testcontainers settings the project relies on: no Ryuk (it would be pulled), no startup checks
     * (they run a pulled image), the host override and the Docker socket. Ryuk and the checks are read from the
     * environment only, which a JVM cannot change: {@code ./hostspec} and the Maven build set them; anything else
     * fails here saying so.
     *
     * @throws IllegalStateException naming the missing environment variables
     */
    static void configureOffline() {
        List<String> missing = new ArrayList<>();
        REQUIRED_ENVIRONMENT.forEach((name, value) -> {
            if (!value.equalsIgnoreCase(System.getenv(name))) {
                missing.add(name + "=" + value);
            }
        });
        if (!missing.isEmpty()) {
            throw new IllegalStateException("the container backend runs Testcontainers offline, which needs "
                    + String.join(" ", missing) + " in the environment (./hostspec and mvn set them; otherwise "
                    + "export them before starting the JVM)");
        }
        setIfAbsent("DOCKER_HOST", Optional.ofNullable(System.getenv("DOCKER_HOST")).orElse(DEFAULT_DOCKER_HOST));
        setIfAbsent("TESTCONTAINERS_HOST_OVERRIDE", "localhost");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /**
     * The engine as {@code doctor} reports it: its version, storage driver and cgroup hierarchy, or why the container
     * backend cannot use it and how to get one. Never throws.
     *
     * @return one line
     */
    public static String status() {
        try {
            var info = get().client.infoCmd().exec();
            return "Docker " + info.getServerVersion() + " (" + info.getDriver() + ", cgroup "
                    + (cgroupV2() ? "v2" : "v1") + "; used by --backend container)";
        } catch (RuntimeException e) {
            return "unavailable: " + e.getMessage();
        }
    }

    /** @return whether this machine (where the local engine runs) has the unified cgroup v2 hierarchy */
    static boolean cgroupV2() {
        return java.nio.file.Files.exists(java.nio.file.Path.of("/sys/fs/cgroup/cgroup.controllers"));
    }

    /** @return the Docker client */
    DockerClient client() {
        return client;
    }

    /** @return the labels every container and network created by this JVM carries */
    public Map<String, String> labels() {
        return labels;
    }

    /**
     * Removes every hostspec container and network whose JVM is gone (a killed run). Networks go after containers.
     *
     * @return how many were removed
     */
    int reapStale() {
        int removed = 0;
        for (Container c : client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(OWNER_LABEL, OWNER)).exec()) {
            if (!alive(c.getLabels())) {
                removed += removeContainer(c.getId()) ? 1 : 0;
            }
        }
        for (Network n : client.listNetworksCmd().exec()) {
            if (n.getLabels() != null && OWNER.equals(n.getLabels().get(OWNER_LABEL)) && !alive(n.getLabels())) {
                removed += removeNetwork(n.getId()) ? 1 : 0;
            }
        }
        return removed;
    }

    // On exit: whatever this JVM created and did not close (a run interrupted by Ctrl-C).
    private void removeOwn() {
        String pid = labels.get(JVM_LABEL);
        for (Container c : client.listContainersCmd().withShowAll(true)
                .withLabelFilter(Map.of(OWNER_LABEL, OWNER, JVM_LABEL, pid)).exec()) {
            removeContainer(c.getId());
        }
        for (Network n : client.listNetworksCmd().exec()) {
            if (n.getLabels() != null && pid.equals(n.getLabels().get(JVM_LABEL))
                    && OWNER.equals(n.getLabels().get(OWNER_LABEL))) {
                removeNetwork(n.getId());
            }
        }
    }

    boolean removeContainer(String id) {
        try {
            client.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("cannot remove container {}: {}", id, e.getMessage());
            return false;
        }
    }

    boolean removeNetwork(String id) {
        try {
            client.removeNetworkCmd(id).exec();
            return true;
        } catch (RuntimeException e) {
            LOG.warn("cannot remove network {}: {}", id, e.getMessage());
            return false;
        }
    }

    static boolean alive(Map<String, String> labels) {
        try {
            long pid = Long.parseLong(labels.getOrDefault(JVM_LABEL, "-1"));
            long start = Long.parseLong(labels.getOrDefault(JVM_START_LABEL, "-1"));
            return ProcessHandle.of(pid).map(p -> startMillis(p) == start).orElse(false);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }
}
