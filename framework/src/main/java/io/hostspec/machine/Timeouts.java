package io.hostspec.machine;

import java.time.Duration;

/**
 * Every default timeout of the machine layer, in one place. The system property {@code hostspec.timeout} (seconds)
 * sets the default of waiting steps ({@link #waitDefault()}); boot waits never get less than {@link #BOOT}.
 */
public final class Timeouts {

    /** Default bound of a wait (unit active, port open, command eventually succeeds) unless {@code hostspec.timeout} says otherwise. */
    public static final Duration WAIT = Duration.ofSeconds(120);
    /** Minimum bound from start to a guest agent answering; a cold TCG boot takes ~20 s, more when several boot in parallel. */
    public static final Duration BOOT = Duration.ofSeconds(300);
    /** Bound for one command run through the guest agent. */
    public static final Duration COMMAND = Duration.ofSeconds(300);
    /** Bound from a power-off request to QEMU exiting. */
    public static final Duration SHUTDOWN = Duration.ofSeconds(90);
    /** Bound for QEMU to exit after {@code quit} or a kill. */
    public static final Duration KILL = Duration.ofSeconds(10);
    /** Bound for one request/reply with the guest agent or QMP. */
    public static final Duration PROTOCOL_CALL = Duration.ofSeconds(30);
    /** Bound for one synchronisation attempt while waiting for the agent (retried until the boot bound). */
    public static final Duration AGENT_SYNC_ATTEMPT = Duration.ofSeconds(1);
    /** Bound from launching QEMU on a warm snapshot to its agent answering; a restore takes about a second. */
    public static final Duration RESTORE = Duration.ofSeconds(30);
    /** Bound for the guest's clock daemon to answer after a restore; then the clock is set through the agent. */
    public static final Duration CLOCK_PORT = Duration.ofSeconds(10);
    /** Bound for writing a warm snapshot's RAM and device state. */
    public static final Duration SNAPSHOT = Duration.ofSeconds(120);
    /** Bound for {@code systemctl is-system-running --wait} before a warm snapshot is taken. */
    public static final Duration SYSTEM_UP = Duration.ofSeconds(180);
    /** Bound for a generation's activation script (accounts, files, daemon-reload, unit actions) to finish. */
    public static final Duration ACTIVATION = Duration.ofMinutes(5);
    /** Bound for the units a switch acted on to leave activating/deactivating/reloading. */
    public static final Duration UNITS_SETTLE = Duration.ofSeconds(60);
    /** Bound for creating a qcow2 overlay. */
    public static final Duration OVERLAY = Duration.ofSeconds(30);

    private Timeouts() {
    }

    /** @return the default wait bound: {@code hostspec.timeout} seconds if set, else {@link #WAIT} */
    public static Duration waitDefault() {
        String value = System.getProperty("hostspec.timeout", "").strip();
        if (value.isEmpty()) {
            return WAIT;
        }
        try {
            return Duration.ofSeconds(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("hostspec.timeout must be a number of seconds, got '" + value + "'", e);
        }
    }

    /** @return the boot bound: the larger of {@link #BOOT} and {@link #waitDefault()} */
    public static Duration boot() {
        Duration wait = waitDefault();
        return wait.compareTo(BOOT) > 0 ? wait : BOOT;
    }
}
