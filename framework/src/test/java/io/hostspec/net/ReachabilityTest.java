package io.hostspec.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hostspec.net.PortProbe.Verdict;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Classification of {@code nc -zv} outputs (netcat-openbsd wording) as the probe command prints them. */
class ReachabilityTest {

    private static Verdict verdict(String output) {
        return Reachability.parse("client", "198.18.1.11", 80, output).verdict();
    }

    @Test
    void classifiesNetcatOutputs() {
        assertEquals(Verdict.OPEN, verdict(
                "Connection to 198.18.1.11 80 port [tcp/http] succeeded! hostspec-rc=0 ms=4"));
        assertEquals(Verdict.REFUSED, verdict(
                "nc: connect to 198.18.1.11 port 80 (tcp) failed: Connection refused hostspec-rc=1 ms=2"));
        assertEquals(Verdict.DROPPED, verdict(
                "nc: connect to 198.18.1.11 port 80 (tcp) timed out: Operation now in progress hostspec-rc=1 ms=2003"));
        assertEquals(Verdict.REJECTED, verdict(
                "nc: connect to 198.18.1.11 port 80 (tcp) failed: No route to host hostspec-rc=1 ms=3"));
        assertEquals(Verdict.INCONCLUSIVE, verdict("sh: 1: nc: not found hostspec-rc=127 ms=1"));
        assertEquals(Verdict.INCONCLUSIVE, verdict("garbage without a result line"));
    }

    @Test
    void keepsElapsedAndOutput() {
        PortProbe probe = Reachability.parse("client", "198.18.1.11", 80,
                "nc: connect to 198.18.1.11 port 80 (tcp) failed: Connection refused hostspec-rc=1 ms=17\n");
        assertEquals(Duration.ofMillis(17), probe.elapsed());
        assertEquals("nc: connect to 198.18.1.11 port 80 (tcp) failed: Connection refused", probe.output());
        assertTrue(probe.describe().startsWith("198.18.1.11:80 from client: REFUSED after 17 ms"), probe.describe());
    }

    @Test
    void commandsQuoteTheAddressAndBoundTheAttempt() {
        String connect = Reachability.connectCommand("web", 8080);
        assertTrue(connect.contains("nc -z -v -w 2 'web' 8080"), connect);
        assertEquals("ping -c 3 -i 0.2 -W 2 'web'", Reachability.pingCommand("web"));
    }
}
