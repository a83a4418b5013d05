package io.hostspec.examples;

import io.hostspec.junit.HostspecTest;
import io.hostspec.junit.TestHosts;
import io.hostspec.lab.Host;
import org.junit.jupiter.api.Test;

import static io.hostspec.junit.HostAssert.assertThat;
import static io.hostspec.junit.HostDeclaration.host;

/**
 * features/nixoa/xoa.feature, "Redis serves xo over its unix socket only", written as a JUnit test: the same host,
 * the same checks, one Java call each. The static field gives the class one lab (its tests share the booted host).
 */
@HostspecTest
class XoaRedisIT {

    static final TestHosts HOSTS = TestHosts.of(host("xoa").from("hosts/xoa"));

    @Test
    void redisServesXoOverItsUnixSocketOnly(Host xoa) {
        assertThat(xoa)
                .hasActiveUnit("redis-xo.service")
                .hasUnixSocket("/run/redis-xo/redis.sock", "redis-xo:redis-xo", "770")
                .hasUserInGroup("xo", "redis-xo")
                .succeeds("runuser -u xo -- redis-cli -s /run/redis-xo/redis.sock ping").hasOutput("PONG").and()
                .fails("ss -Htln 'sport = :6379' | grep -q .").and()
                .fails("runuser -u admin -- redis-cli -s /run/redis-xo/redis.sock ping");
    }
}
