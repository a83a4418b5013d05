package io.hostspec.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class WaitTest {

    private static long millisSince(long start) {
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }

    @Test
    void failFastStopsALongWaitPromptlyWithTheTerminalException() {
        long deadAt = System.nanoTime() + Duration.ofMillis(300).toNanos();
        MachineException dead = new MachineException("web", "QEMU of host web exited with code 137", null, null);
        long start = System.nanoTime();
        MachineException e = assertThrows(MachineException.class, () -> Wait.until("web", "unit x active on web",
                "ActiveState=active", Duration.ofSeconds(60),
                () -> {
                    if (System.nanoTime() > deadAt) {
                        throw dead;
                    }
                },
                remaining -> Wait.Observation.notYet("ActiveState=activating"), () -> ""));
        assertSame(dead, e);
        assertTrue(millisSince(start) < 2000, "took " + millisSince(start) + " ms");
    }

    @Test
    void probeThrowingATerminalStateStopsAtOnce() {
        AtomicInteger polls = new AtomicInteger();
        MachineException failed = new MachineException("web", "unit x failed", null, null);
        long start = System.nanoTime();
        assertSame(failed, assertThrows(MachineException.class, () -> Wait.until("web", "unit x active", "active",
                Duration.ofSeconds(60), () -> { }, remaining -> {
                    if (polls.incrementAndGet() == 3) {
                        throw failed;
                    }
                    return Wait.Observation.notYet("activating");
                }, () -> "")));
        assertEquals(3, polls.get());
        assertTrue(millisSince(start) < 2000);
    }

    @Test
    void timeoutSaysWhatWasExpectedWhatWasLastSeenAndHowLong() {
        AtomicInteger polls = new AtomicInteger();
        MachineException e = assertThrows(MachineException.class, () -> Wait.until("web", "TCP port 80 open on web",
                "a listening socket on port 80", Duration.ofMillis(700), () -> { },
                remaining -> Wait.Observation.notYet("poll " + polls.incrementAndGet()), () -> "\n--- console ---"));
        String message = e.getMessage();
        assertTrue(message.contains("timed out after 0.7 s waiting for: TCP port 80 open on web"), message);
        assertTrue(message.contains("expected:  a listening socket on port 80"), message);
        assertTrue(message.contains("last seen: poll " + polls.get()), message);
        assertTrue(message.contains("--- console ---"), message);
        assertEquals("web", e.host());
    }

    @Test
    void returnsWhatTheSatisfyingPollSawAndPassesTheRemainingTime() {
        AtomicInteger polls = new AtomicInteger();
        String seen = Wait.until("web", "x", "x", Duration.ofSeconds(5), () -> { }, remaining -> {
            assertTrue(remaining.compareTo(Duration.ofSeconds(5)) <= 0 && !remaining.isNegative());
            return polls.incrementAndGet() < 3 ? Wait.Observation.notYet("no") : Wait.Observation.satisfied("yes");
        }, () -> "");
        assertEquals("yes", seen);
    }
}
