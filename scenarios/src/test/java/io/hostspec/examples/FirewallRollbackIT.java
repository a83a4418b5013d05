package io.hostspec.examples;

import io.hostspec.junit.HostspecTest;
import io.hostspec.junit.TestHosts;
import io.hostspec.lab.Host;
import org.junit.jupiter.api.Test;

import static io.hostspec.junit.HostAssert.assertThat;
import static io.hostspec.junit.HostDeclaration.host;

/**
 * features/nixoa/rollback.feature written as a JUnit test: a port opened in generation 2 is closed again by a
 * rollback, Redis data survives both, and the generation survives a reboot. The instance field gives each test a lab
 * of its own; {@code startAll} boots both hosts together, as "When the hosts are started" does.
 */
@HostspecTest(startAll = true)
class FirewallRollbackIT {

    private static final String REDIS = "runuser -u xo -- redis-cli -s /run/redis-xo/redis.sock ";

    final TestHosts hosts = TestHosts.of(
            host("xoa").from("hosts/xoa").withToml("""
                    [systemd.services.probe]
                    description = "A listener on a port the firewall of generation 1 keeps closed"
                    wantedBy = ["multi-user.target"]
                    script = "exec nc -lk 8080"
                    """),
            host("client"));

    Host xoa;
    Host client;

    @Test
    void openAPortInGeneration2RollBackAndKeepRedisDataAndTheGenerationAcrossAReboot() {
        assertThat(xoa).listensOnTcpPort(8080);
        assertThat(client).cannotReach(xoa, 8080);
        assertThat(xoa).succeeds(REDIS + "set written-before-switch kept").and()
                .succeeds(REDIS + "save");

        xoa.switchTo("\"networking.firewall.allowedTCPPorts\" = [8080]\n");
        assertThat(xoa).isAtGeneration(2)
                .lastSwitchLeftAlone("redis-xo.service")
                .lastSwitchLeftAlone("probe.service");
        assertThat(client).canReach(xoa, 8080);

        xoa.rollBack();
        assertThat(xoa).isAtGeneration(1).listensOnTcpPort(8080);
        assertThat(client).cannotReach(xoa, 8080);
        assertThat(xoa).succeeds(REDIS + "get written-before-switch").hasOutput("kept");

        xoa.reboot();
        assertThat(xoa).isAtGeneration(1)
                .hasActiveUnit("redis-xo.service")
                .succeeds(REDIS + "get written-before-switch").hasOutput("kept");
        assertThat(client).cannotReach(xoa, 8080);
    }
}
