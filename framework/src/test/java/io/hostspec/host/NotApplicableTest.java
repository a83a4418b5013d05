package io.hostspec.host;

import io.hostspec.module.Provenance;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The "not applicable" assertion on the library's targets: a declared reason passes, anything else fails. */
class NotApplicableTest {

    private final ScenarioHosts hosts = new ScenarioHosts(new Hosts(Project.current()));

    @Test
    void aDeclaredOptionIsReportedWithItsReasonAndWhereItIsDeclared() {
        hosts.addModules("m1", "hosts/m1", new Provenance("NotApplicableTest", 1));
        ScenarioHosts.NotApplicable na = hosts.assertNotApplicable("m1", "workstation.arch", "evaluated only");
        assertTrue(na.reason().startsWith("an arm64 guest needs an arm64 root file system"), na.reason());
        assertEquals("vm-images/modules/hardware/m1.toml", na.declaredAt().get(0).file());
        assertTrue(na.report().startsWith("[m1] workstation.arch: not applicable on a test machine: an arm64"),
                na.report());
    }

    @Test
    void anUndeclaredOptionOrAnotherReasonFails() {
        hosts.addModules("base", "hosts/base", new Provenance("NotApplicableTest", 1));
        AssertionError none = assertThrows(AssertionError.class,
                () -> hosts.assertNotApplicable("base", "services.openssh.enable", "anything"));
        assertTrue(none.getMessage().contains("but it does not; virtualisation.notApplicable of \"base\" holds nothing"),
                none.getMessage());
        hosts.addModules("m1", "hosts/m1", new Provenance("NotApplicableTest", 1));
        AssertionError other = assertThrows(AssertionError.class,
                () -> hosts.assertNotApplicable("m1", "workstation.arch", "it is too slow"));
        assertTrue(other.getMessage().contains("but its reason is \"an arm64 guest"), other.getMessage());
    }
}
