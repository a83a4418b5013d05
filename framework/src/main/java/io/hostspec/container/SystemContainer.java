package io.hostspec.container;

import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.IsRunningStartupCheckStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * The Testcontainers container of one host: systemd as PID 1 of an imported rootfs, with the capabilities and mounts
 * systemd needs (CAP_SYS_ADMIN and CAP_NET_ADMIN, not {@code --privileged}; tmpfs {@code /run} and {@code /run/lock};
 * the cgroup tree), a terminal so its console shows systemd's status lines, stopped with SIGRTMIN+3 (systemd's clean
 * halt), attached to its LANs at their planned addresses, no port published.
 */
final class SystemContainer extends GenericContainer<SystemContainer> {

    private final ContainerEngine engine;
    private final List<ContainerNetwork.Endpoint> endpoints;

    SystemContainer(ContainerEngine engine, ContainerMachine.Spec spec, String containerName, boolean cgroupV1) {
        super(DockerImageName.parse(spec.image()));
        this.engine = engine;
        this.endpoints = spec.endpoints();
        withCommand("/sbin/init");
        withEnv("container", "docker");
        withLabels(engine.labels());
        withStartupCheckStrategy(new IsRunningStartupCheckStrategy());
        withCreateContainerCmdModifier(cmd -> {
            HostConfig host = cmd.getHostConfig() == null ? HostConfig.newHostConfig() : cmd.getHostConfig();
            host.withCapAdd(Capability.SYS_ADMIN, Capability.NET_ADMIN)
                    .withTmpFs(Map.of("/run", "rw,exec,mode=755", "/run/lock", "rw,noexec,nosuid,size=5m"))
                    .withExtraHosts(spec.extraHosts().toArray(String[]::new))
                    .withNetworkMode(endpoints.isEmpty() ? "none" : endpoints.get(0).network());
            if (cgroupV1) {
                host.withBinds(Bind.parse("/sys/fs/cgroup:/sys/fs/cgroup:ro"));
            } else {
                host.withCgroupnsMode("private");
            }
            cmd.withName(containerName).withHostName(spec.name()).withTty(true).withStopSignal("SIGRTMIN+3")
                    .withHostConfig(host);
            if (!endpoints.isEmpty()) {
                cmd.withIpv4Address(endpoints.get(0).address());
            }
        });
    }

    // Between create and start: the other LANs, each at its planned address.
    @Override
    protected void containerIsCreated(String containerId) {
        for (ContainerNetwork.Endpoint endpoint : endpoints.subList(Math.min(1, endpoints.size()), endpoints.size())) {
            engine.client().connectToNetworkCmd().withNetworkId(endpoint.network()).withContainerId(containerId)
                    .withContainerNetwork(new com.github.dockerjava.api.model.ContainerNetwork()
                            .withIpamConfig(new com.github.dockerjava.api.model.ContainerNetwork.Ipam()
                                    .withIpv4Address(endpoint.address())))
                    .exec();
        }
    }
}
