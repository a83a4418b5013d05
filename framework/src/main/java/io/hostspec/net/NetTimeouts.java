package io.hostspec.net;

import java.time.Duration;

/** Every default timeout of the network layer, in one place. Waits on guests use the machine layer's defaults. */
public final class NetTimeouts {

    /** Bound from launching {@code vde_switch} to its control socket existing. */
    public static final Duration SWITCH_START = Duration.ofSeconds(10);
    /** Bound for {@code vde_switch} to exit after its console closes, before it is killed. */
    public static final Duration SWITCH_STOP = Duration.ofSeconds(2);
    /**
     * Bound for the guest network script (and its check) to run in a guest. It takes well under a second on an idle
     * guest, but right after five guests were restored together under TCG on two cores it took 15 s on a quiet
     * machine and more than 30 s under CI load: each of its few dozen processes runs on untranslated code.
     */
    public static final Duration CONFIGURE = Duration.ofSeconds(120);
    /** How long one TCP connection attempt may take ({@code nc -w}); no answer within it means "dropped". */
    public static final Duration CONNECT_ATTEMPT = Duration.ofSeconds(2);
    /** Bound of one probe command in the client guest (ping or one connection attempt, plus agent overhead). */
    public static final Duration PROBE_COMMAND = Duration.ofSeconds(15);

    /** Pause between two connection attempts of {@code canReach}. */
    public static final Duration RETRY_INTERVAL = Duration.ofMillis(500);

    private NetTimeouts() {
    }
}
