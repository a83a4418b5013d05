package io.hostspec.machine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that knows about parallelism of machines. Two budgets:
 * <ul>
 *   <li>cold boots: at most {@link #bootSlots()} guests boot at once (a TCG boot is CPU-bound: more boots than host
 *   cores only slow every boot down). Restores from a warm snapshot are cheap and take no boot slot.</li>
 *   <li>memory: the guest RAM of all running machines (plus QEMU's overhead) stays within {@link #memoryMiB()}.</li>
 * </ul>
 * Callers wait (bounded) for a budget; a request that can never fit fails at once. {@link #shared()} is the budget of
 * this JVM; tests create their own with {@link #of(int, long)}.
 */
public final class Governor {

    /** QEMU's own memory beyond guest RAM, counted per machine. */
    public static final int QEMU_OVERHEAD_MIB = 64;
    /** Share of host RAM that guests may use. */
    public static final double HOST_MEMORY_SHARE = 0.8;

    private static final Logger LOG = LoggerFactory.getLogger(Governor.class);
    private static final Governor SHARED = forHost();

    private final int bootSlots;
    private final int memoryMiB;
    private final Semaphore boots;
    private final Semaphore memory;

    private Governor(int bootSlots, int memoryMiB) {
        if (bootSlots < 1 || memoryMiB < 1) {
            throw new IllegalArgumentException("a governor needs at least one boot slot and 1 MiB, got " + bootSlots
                    + " slots and " + memoryMiB + " MiB");
        }
        this.bootSlots = bootSlots;
        this.memoryMiB = memoryMiB;
        this.boots = new Semaphore(bootSlots, true);
        this.memory = new Semaphore(memoryMiB, true);
    }

    /** @return the governor of this JVM, sized for this host */
    public static Governor shared() {
        return SHARED;
    }

    /**
     * A governor with explicit budgets.
     *
     * @param bootSlots concurrent cold boots
     * @param memoryMiB total memory of running machines, QEMU overhead included
     * @return the governor
     */
    public static Governor of(int bootSlots, long memoryMiB) {
        return new Governor(bootSlots, (int) Math.min(Integer.MAX_VALUE, memoryMiB));
    }

    /**
     * A governor sized for this host: one boot slot per core ({@code Runtime.availableProcessors()}) and
     * {@link #HOST_MEMORY_SHARE} of MemTotal.
     *
     * @return the governor
     */
    public static Governor forHost() {
        long totalMiB = memTotalMiB().orElse(4096);
        return of(Runtime.getRuntime().availableProcessors(), Math.round(totalMiB * HOST_MEMORY_SHARE));
    }

    private static java.util.OptionalLong memTotalMiB() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(line -> line.startsWith("MemTotal:"))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024)
                    .findFirst();
        } catch (IOException | NumberFormatException e) {
            return java.util.OptionalLong.empty();
        }
    }

    /** @return how many cold boots may run at once */
    public int bootSlots() {
        return bootSlots;
    }

    /** @return the memory budget in MiB */
    public int memoryMiB() {
        return memoryMiB;
    }

    /** @return memory not reserved right now, in MiB */
    public int freeMemoryMiB() {
        return memory.availablePermits();
    }

    /** @return boot slots free right now */
    public int freeBootSlots() {
        return boots.availablePermits();
    }

    /**
     * Reserves memory for a running machine; close the grant when its QEMU is gone.
     *
     * @param machine   the machine's name, for messages
     * @param guestMiB  its guest RAM ({@link #QEMU_OVERHEAD_MIB} is added)
     * @param timeout   how long to wait for other machines to free memory
     * @return the grant
     * @throws MachineException at once when the request exceeds the whole budget, or on timeout
     */
    public Grant reserveMemory(String machine, int guestMiB, Duration timeout) {
        int need = guestMiB + QEMU_OVERHEAD_MIB;
        if (need > memoryMiB) {
            throw new MachineException(machine, "[" + machine + "] needs " + need + " MiB (guest " + guestMiB
                    + " + QEMU " + QEMU_OVERHEAD_MIB + ") but the memory budget of this host is " + memoryMiB
                    + " MiB in all", null, null);
        }
        acquire(memory, need, timeout, machine, need + " MiB of guest memory (" + freeMemoryMiB() + " of "
                + memoryMiB + " MiB free)");
        return new Grant(() -> memory.release(need));
    }

    /**
     * Takes a cold-boot slot; close the grant when the guest has booted (or its boot failed).
     *
     * @param machine the machine's name, for messages
     * @param timeout how long to wait for other boots to finish
     * @return the grant
     * @throws MachineException on timeout
     */
    public Grant bootSlot(String machine, Duration timeout) {
        if (boots.tryAcquire()) {
            return new Grant(boots::release);
        }
        LOG.info("[{}] waiting for a boot slot ({} cold boots at once on this host)", machine, bootSlots);
        acquire(boots, 1, timeout, machine, "a cold-boot slot (" + bootSlots + " in all)");
        return new Grant(boots::release);
    }

    private static void acquire(Semaphore semaphore, int permits, Duration timeout, String machine, String what) {
        try {
            if (!semaphore.tryAcquire(permits, timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new MachineException(machine, "[" + machine + "] timed out after " + LogSection.seconds(timeout)
                        + " waiting for " + what, null, null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MachineException(machine, "[" + machine + "] interrupted while waiting for " + what, null, e);
        }
    }

    /** A reserved budget; {@link #close()} gives it back, once. */
    public static final class Grant implements AutoCloseable {
        private final Runnable release;
        private final AtomicBoolean released = new AtomicBoolean();

        private Grant(Runnable release) {
            this.release = release;
        }

        /** Gives the budget back. Idempotent. */
        @Override
        public void close() {
            if (released.compareAndSet(false, true)) {
                release.run();
            }
        }
    }

    @Override
    public String toString() {
        return "Governor[" + bootSlots + " boot slots, " + memoryMiB + " MiB]";
    }
}
