package io.hostspec.realize;

import java.util.List;

/**
 * What a guest learns from the lab only after it booted or was restored: its addresses, and the names of the other
 * hosts (hostspec gives a guest its network identity through the guest agent then, see {@code io.hostspec.net}). Units
 * that need the lab network at boot, such as an ACME client or the fetch of a CA from another host, are wanted by
 * {@link #TARGET}, which the lab starts right after it gave the guest its identity, instead of by multi-user.target
 * (where they would run, and fail, before the guest has an address, and hold up the boot meanwhile).
 */
public final class LabOnline {

    /** The target the lab starts once the guest's network identity is in place. */
    public static final String TARGET = "hostspec-lab-online.target";
    /** The option listing further names the other hosts resolve to this host. */
    public static final String ALIASES = "hostspec.lab.aliases";

    private LabOnline() {
    }

    /** Adds the target's unit: a unit that wants the lab network is wanted by it and ordered after it. */
    static void target(RecipeBuilder recipe, String... from) {
        recipe.unit(TARGET, """
                [Unit]
                Description=hostspec: the lab network of this host is in place
                """, List.of(), false, from);
    }
}
