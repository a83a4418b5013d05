package io.hostspec.junit;

import java.util.ArrayList;
import java.util.List;

/**
 * The hosts of a {@link HostspecTest} class, declared in a field the way testcontainers declares containers:
 * <pre>{@code
 * static final TestHosts HOSTS = TestHosts.of(
 *         HostDeclaration.host("xoa").from("hosts/xoa"),
 *         HostDeclaration.host("client"));
 * }</pre>
 * A {@code static} field gives the class one lab, shared by its tests and stopped after the last one; an instance field
 * gives each test a lab of its own, stopped after it. Immutable.
 *
 * @param hosts the declarations, in order (the order hosts join the lab's LAN)
 */
public record TestHosts(List<HostDeclaration> hosts) {

    /** Hosts; the list is copied. */
    public TestHosts {
        hosts = List.copyOf(hosts);
    }

    /** These hosts, in order. */
    public static TestHosts of(HostDeclaration... hosts) {
        return new TestHosts(List.of(hosts));
    }

    /** These hosts plus one more. */
    public TestHosts and(HostDeclaration host) {
        List<HostDeclaration> all = new ArrayList<>(hosts);
        all.add(host);
        return new TestHosts(all);
    }
}
