package io.hostspec.machine;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * The one retry primitive of the machine layer: a named Awaitility wait that polls a probe, stops at once when the
 * machine reaches a terminal state (the fail-fast check throws, or the probe throws), and on timeout reports what
 * was expected, what was last seen and for how long it waited.
 */
final class Wait {

    /** What one poll saw. */
    record Observation(boolean satisfied, String seen) {
        static Observation satisfied(String seen) {
            return new Observation(true, seen);
        }

        static Observation notYet(String seen) {
            return new Observation(false, seen);
        }
    }

    /** One poll; gets the time left so commands inside never outlive the wait. */
    @FunctionalInterface
    interface Probe {
        Observation poll(Duration remaining);
    }

    static final Duration FIRST_INTERVAL = Duration.ofMillis(100);
    static final Duration MAX_INTERVAL = Duration.ofSeconds(1);
    /** The least time one poll gets, even past the wait's deadline, so that its observation is complete. */
    static final Duration MIN_POLL = Duration.ofSeconds(5);

    /** How often to poll: guest-level waits back off to a second; protocol-level waits stay fine-grained. */
    record Pace(Duration first, Duration max) {
        /** Commands in the guest: each poll costs a process there, so back off to a second. */
        static final Pace GUEST = new Pace(FIRST_INTERVAL, MAX_INTERVAL);
        /** QMP and agent handshakes of a restore: cheap polls, and every 100 ms of latency shows in a warm start. */
        static final Pace PROTOCOL = new Pace(Duration.ofMillis(10), Duration.ofMillis(50));
    }

    private Wait() {
    }

    /**
     * Polls until the probe is satisfied.
     *
     * @param host     machine name, for messages
     * @param name     the wait's name, e.g. {@code unit nginx.service active on web}
     * @param expected what satisfies it, in words
     * @param timeout  the bound
     * @param failFast throws a {@link RuntimeException} when waiting is pointless (QEMU exited)
     * @param probe    one poll
     * @param evidence extra evidence for the timeout message (console tail), evaluated only on failure
     * @return what the satisfying poll saw
     */
    static String until(String host, String name, String expected, Duration timeout, Runnable failFast, Probe probe,
                        Supplier<String> evidence) {
        return until(host, name, expected, timeout, failFast, probe, evidence, Pace.GUEST);
    }

    /** {@link #until(String, String, String, Duration, Runnable, Probe, Supplier)} polling at the given pace. */
    static String until(String host, String name, String expected, Duration timeout, Runnable failFast, Probe probe,
                        Supplier<String> evidence, Pace pace) {
        AtomicReference<String> lastSeen = new AtomicReference<>("(nothing: no poll completed)");
        AtomicInteger polls = new AtomicInteger();
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            Awaitility.await(name)
                    .atMost(timeout)
                    .pollInSameThread()
                    .pollDelay(Duration.ZERO)
                    .pollInterval((count, previous) -> {
                        Duration next = count <= 1 ? pace.first() : previous.multipliedBy(2);
                        return next.compareTo(pace.max()) > 0 ? pace.max() : next;
                    })
                    .failFast(failFast::run)
                    .until(() -> {
                        Duration remaining = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
                        // The last poll still gets time to finish: a command cut short near the deadline would
                        // report "the agent did not answer" instead of what the wait last saw.
                        Observation observation = probe.poll(remaining.compareTo(MIN_POLL) < 0 ? MIN_POLL : remaining);
                        polls.incrementAndGet();
                        lastSeen.set(observation.seen());
                        return observation.satisfied();
                    });
            return lastSeen.get();
        } catch (TerminalFailureException e) {
            if (e.getCause() instanceof RuntimeException terminal) {
                throw terminal;
            }
            throw new MachineException(host, "[" + host + "] gave up waiting for: " + name + ": " + e.getMessage(), null, e);
        } catch (ConditionTimeoutException e) {
            throw new MachineException(host, "[" + host + "] timed out after " + LogSection.seconds(timeout)
                    + " waiting for: " + name
                    + "\n  expected:  " + expected
                    + "\n  last seen: " + lastSeen.get() + " (" + polls.get() + " polls)"
                    + evidence.get(), null, e);
        }
    }

    /**
     * Polls until the supplier yields a value, e.g. a connection.
     *
     * @param host     machine name, for messages
     * @param name     the wait's name
     * @param timeout  the bound
     * @param failFast throws when waiting is pointless
     * @param attempt  one attempt; empty means not yet
     * @param evidence extra evidence for the timeout message
     * @param <T>      the value's type
     * @return the value
     */
    static <T> T untilValue(String host, String name, Duration timeout, Runnable failFast,
                            Supplier<java.util.Optional<T>> attempt, Supplier<String> evidence) {
        AtomicReference<T> value = new AtomicReference<>();
        until(host, name, "a value", timeout, failFast, remaining -> {
            java.util.Optional<T> got = attempt.get();
            got.ifPresent(value::set);
            return got.isPresent() ? Observation.satisfied("available") : Observation.notYet("not available yet");
        }, evidence, Pace.PROTOCOL);
        return value.get();
    }
}
