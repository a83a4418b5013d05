package io.hostspec.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The governor with fake boots (threads holding grants): concurrency bounds, release, fail-fast, timeouts. */
class GovernorTest {

    @Test
    void atMostOneColdBootPerSlotRunsAtOnce() throws Exception {
        Governor governor = Governor.of(2, 100_000);
        AtomicInteger running = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> boots = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String name = "m" + i;
                boots.add(pool.submit(() -> {
                    try (Governor.Grant slot = governor.bootSlot(name, Duration.ofSeconds(10))) {
                        peak.accumulateAndGet(running.incrementAndGet(), Math::max);
                        Thread.sleep(50); // a fake boot
                        running.decrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> boot : boots) {
                boot.get(10, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(2, peak.get(), "two slots, six boots: never more than two at once");
        assertEquals(2, governor.freeBootSlots(), "every slot came back");
    }

    @Test
    void restoresNeedNoBootSlotOnlyMemory() {
        Governor governor = Governor.of(1, 10_000);
        try (Governor.Grant boot = governor.bootSlot("cold", Duration.ofSeconds(1))) {
            // while the only boot slot is taken, restored machines still get memory at once
            List<Governor.Grant> restores = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                restores.add(governor.reserveMemory("warm" + i, 512, Duration.ZERO));
            }
            assertEquals(10_000 - 4 * (512 + Governor.QEMU_OVERHEAD_MIB), governor.freeMemoryMiB());
            restores.forEach(Governor.Grant::close);
        }
        assertEquals(10_000, governor.freeMemoryMiB());
        assertEquals(1, governor.freeBootSlots());
    }

    @Test
    void memoryWaitsForAReleaseAndAGrantIsReturnedOnce() throws Exception {
        Governor governor = Governor.of(4, 2 * (512 + Governor.QEMU_OVERHEAD_MIB));
        Governor.Grant first = governor.reserveMemory("a", 512, Duration.ZERO);
        Governor.Grant second = governor.reserveMemory("b", 512, Duration.ZERO);
        CountDownLatch admitted = new CountDownLatch(1);
        Thread third = new Thread(() -> {
            try (Governor.Grant grant = governor.reserveMemory("c", 512, Duration.ofSeconds(10))) {
                admitted.countDown();
            }
        });
        third.start();
        assertTrue(!admitted.await(200, TimeUnit.MILLISECONDS), "c must wait while memory is full");
        first.close();
        first.close(); // idempotent: must not free memory twice
        assertTrue(admitted.await(5, TimeUnit.SECONDS), "c admitted after a release");
        third.join(5000);
        second.close();
        assertEquals(governor.memoryMiB(), governor.freeMemoryMiB());
    }

    @Test
    void aMachineLargerThanTheHostFailsAtOnceNamingTheBudget() {
        Governor governor = Governor.of(2, 1024);
        long t0 = System.nanoTime();
        MachineException e = assertThrows(MachineException.class,
                () -> governor.reserveMemory("huge", 4096, Duration.ofMinutes(5)));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(1), "no waiting for the impossible");
        assertTrue(e.getMessage().contains("[huge]") && e.getMessage().contains("1024 MiB"), e.getMessage());
    }

    @Test
    void waitingForABootSlotTimesOutWithAClearMessage() {
        Governor governor = Governor.of(1, 10_000);
        try (Governor.Grant held = governor.bootSlot("a", Duration.ZERO)) {
            MachineException e = assertThrows(MachineException.class,
                    () -> governor.bootSlot("b", Duration.ofMillis(100)));
            assertTrue(e.getMessage().contains("[b] timed out") && e.getMessage().contains("cold-boot slot"),
                    e.getMessage());
        }
    }

    @Test
    void theHostGovernorHasOneBootSlotPerCore() {
        Governor host = Governor.forHost();
        assertEquals(Runtime.getRuntime().availableProcessors(), host.bootSlots());
        assertTrue(host.memoryMiB() > 0);
    }
}
