package io.hostspec.junit;

import io.hostspec.host.ScenarioHosts;
import io.hostspec.lab.ScenarioLab;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static io.hostspec.junit.HostDeclaration.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * The extension's lifecycle and declarations, on inner test classes run through the Jupiter engine (they only
 * evaluate: nothing boots). Which lab a test gets (per class for a static field, per test otherwise), how hosts are
 * declared (fields, annotations, inline TOML and Nix with the test's file:line) and what misuse says.
 */
class HostspecExtensionTest {

    static final List<ScenarioLab> SEEN = Collections.synchronizedList(new ArrayList<>());

    @HostspecTest
    static class SharedLab {
        static final TestHosts HOSTS = TestHosts.of(host("xoa").from("hosts/xoa"));

        @Test
        void one(ScenarioLab lab) {
            SEEN.add(lab);
        }

        @Test
        void two(ScenarioLab lab) {
            SEEN.add(lab);
            assertTrue(!lab.isClosed(), "the class's lab is open during its tests");
        }
    }

    @HostspecTest
    static class LabPerTest {
        final TestHosts hosts = TestHosts.of(host("xoa").from("hosts/xoa"));
        ScenarioLab lab;

        @Test
        void one() {
            SEEN.add(lab);
        }

        @Test
        void two() {
            SEEN.add(lab);
        }
    }

    @Test
    void aStaticFieldSharesOneLabAcrossTheClassAndAnInstanceFieldGivesEachTestItsOwn() {
        SEEN.clear();
        run(SharedLab.class).assertStatistics(s -> s.succeeded(2).failed(0));
        assertEquals(2, SEEN.size());
        assertSame(SEEN.get(0), SEEN.get(1), "one lab for the class");
        assertTrue(SEEN.get(0).isClosed(), "closed after the class");

        SEEN.clear();
        run(LabPerTest.class).assertStatistics(s -> s.succeeded(2).failed(0));
        assertEquals(2, SEEN.size());
        assertNotSame(SEEN.get(0), SEEN.get(1), "a lab per test");
        Set<ScenarioLab> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.addAll(SEEN);
        assertEquals(2, distinct.size());
        assertTrue(SEEN.stream().allMatch(ScenarioLab::isClosed), "each closed after its test");
    }

    @Test
    void classesRunInParallelEachWithItsOwnLabs() {
        SEEN.clear();
        EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.execution.parallel.enabled", "true")
                .configurationParameter("junit.jupiter.execution.parallel.mode.default", "same_thread")
                .configurationParameter("junit.jupiter.execution.parallel.mode.classes.default", "concurrent")
                .selectors(selectClass(SharedLab.class), selectClass(LabPerTest.class), selectClass(Annotated.class))
                .execute().testEvents().assertStatistics(s -> s.succeeded(6).failed(0));
        Set<ScenarioLab> distinct = Collections.newSetFromMap(new IdentityHashMap<>());
        distinct.addAll(SEEN);
        assertEquals(3, distinct.size(), "one lab for SharedLab, one per test of LabPerTest");
        assertTrue(SEEN.stream().allMatch(ScenarioLab::isClosed));
    }

    @HostspecTest
    @TestHost(name = "xoa", from = "hosts/xoa")
    static class Annotated {
        @Test
        @TestHost(name = "web", toml = "\"networking.firewall.allowedTCPPorts\" = [80]")
        void both(ScenarioHosts hosts) {
            hosts.assertOption("xoa", "networking.hostName", "xoa");
            hosts.assertOption("web", "networking.firewall.allowedTCPPorts", "[80]");
        }

        @Test
        void classOnly(ScenarioHosts hosts) {
            assertEquals(List.of("xoa"), List.copyOf(hosts.names()));
        }
    }

    @Test
    void annotationsDeclareHostsOnTheClassAndOnOneTest() {
        run(Annotated.class).assertStatistics(s -> s.succeeded(2).failed(0));
    }

    @HostspecTest
    static class Inline {
        static final TestHosts HOSTS = TestHosts.of(
                host("web").withToml("\"networking.domain\" = \"one.test\"\n")
                        .withToml("\"networking.domain\" = \"two.test\"\n"),
                host("nixy").withNix("{ networking.domain = \"nix.test\"; }"));

        @Test
        void conflict(ScenarioHosts hosts) {
            hosts.assertRejected("web", "conflicting definition values");
        }

        @Test
        void nix(ScenarioHosts hosts) {
            hosts.assertOption("nixy", "networking.domain", "nix.test");
        }

        @Test
        void provenance(ScenarioHosts hosts) {
            hosts.assertRejected("web", "io/hostspec/junit/HostspecExtensionTest.java:");
        }
    }

    @Test
    void inlineTomlAndNixModulesAreModulesAndTomlOnesNameTheTestsSourceLine() {
        run(Inline.class).assertStatistics(s -> s.succeeded(3).failed(0));
    }

    @HostspecTest
    static class NoHosts {
        @Test
        void nothing() {
        }
    }

    @HostspecTest
    static class Ambiguous {
        static final TestHosts HOSTS = TestHosts.of(host("a"), host("b"));

        @Test
        void which(@SuppressWarnings("unused") io.hostspec.lab.Host unnamed) {
        }
    }

    @Test
    void misuseSaysWhatToWrite() {
        String noHosts = failure(run(NoHosts.class));
        assertTrue(noHosts.contains("declares no host") && noHosts.contains("TestHosts.of("), noHosts);
        String ambiguous = failure(run(Ambiguous.class));
        assertTrue(ambiguous.contains("Declared: [a, b]") && ambiguous.contains("@HostName"), ambiguous);
    }

    private static Events run(Class<?> type) {
        return EngineTestKit.engine("junit-jupiter").selectors(selectClass(type)).execute().testEvents();
    }

    private static String failure(Events events) {
        return events.failed().stream().findFirst()
                .flatMap(e -> e.getPayload(org.junit.platform.engine.TestExecutionResult.class))
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable)
                .map(Throwable::getMessage).orElse("(no failure)");
    }
}
