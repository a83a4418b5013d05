package io.hostspec.machine;

import io.hostspec.machine.internal.RunDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Owns the machines of one scenario and the private run directory holding their sockets, overlays and logs.
 * Parallelism of the machine layer lives here and in its {@link Governor}: {@link #startAll()} starts every machine at
 * once, and the governor admits at most one cold boot per host core and keeps guest memory within the host's (warm
 * restores are not limited by cores). {@link #close()} closes machines in reverse order of addition, keeps going past
 * failures and deletes the run directory.
 */
public final class Lab implements AutoCloseable {

    private final RunDirectory run;
    private final Governor governor;
    private volatile Consumer<Machine> afterStart = machine -> { };
    private final Map<String, Machine> machines = Collections.synchronizedMap(new LinkedHashMap<>());
    private volatile boolean closed;

    private Lab(RunDirectory run, Governor governor) {
        this.run = run;
        this.governor = governor;
    }

    /**
     * Creates a lab with a fresh run directory under {@code ${java.io.tmpdir}/hostspec-runs}, reaping runs that dead
     * JVMs left behind (their QEMU processes are killed by pid).
     *
     * @return an empty lab
     */
    public static Lab create() {
        return create(Governor.shared());
    }

    /**
     * Like {@link #create()}, with an explicit governor (tests, benchmarks).
     *
     * @param governor bounds cold boots and memory of this lab's machines
     * @return an empty lab
     */
    public static Lab create(Governor governor) {
        return new Lab(RunDirectory.create(), governor);
    }

    /**
     * Sets the hook run on a machine each time its guest is up: after a cold boot (when its agent first answers)
     * and after a warm restore (after the clock is set). This is where per-host identity (addresses, names) is
     * applied, since a restored guest carries the snapshot's. Never run on the boot that takes a snapshot. Replaces
     * the previous hook; applies to machines added before and after.
     *
     * @param hook receives the machine; an exception fails the start
     * @return this lab
     */
    public Lab afterStart(Consumer<Machine> hook) {
        this.afterStart = java.util.Objects.requireNonNull(hook, "hook");
        return this;
    }

    /** @return the governor bounding this lab's boots and memory */
    public Governor governor() {
        return governor;
    }

    /**
     * Adds a QEMU machine (not started; it boots on {@link #startAll()}, {@link Machine#start()} or its first command).
     *
     * @param spec the machine's spec
     * @return the machine
     * @throws IllegalArgumentException when a machine of that name exists
     */
    public Machine add(MachineSpec spec) {
        if (closed) {
            throw new IllegalStateException("the lab is closed");
        }
        synchronized (machines) {
            if (machines.containsKey(spec.name())) {
                throw new IllegalArgumentException("a machine named '" + spec.name() + "' already exists in this lab");
            }
            Machine machine = new QemuMachine(spec, run, governor, m -> afterStart.accept(m));
            machines.put(spec.name(), machine);
            return machine;
        }
    }

    /**
     * Adds a machine of another backend, created by its caller; the lab owns it from now on (starts it with the
     * others, closes it in reverse order of addition). The after-start hook is not applied to it: such a backend gives
     * a machine its identity when it creates it.
     *
     * @param machine the machine, not started
     * @return the machine
     * @throws IllegalArgumentException when a machine of that name exists
     */
    public Machine add(Machine machine) {
        if (closed) {
            throw new IllegalStateException("the lab is closed");
        }
        synchronized (machines) {
            if (machines.containsKey(machine.name())) {
                throw new IllegalArgumentException("a machine named '" + machine.name()
                        + "' already exists in this lab");
            }
            machines.put(machine.name(), machine);
            return machine;
        }
    }

    /**
     * Looks a machine up by name.
     *
     * @param name the host name
     * @return the machine
     * @throws IllegalArgumentException naming the known hosts when there is none of that name
     */
    public Machine machine(String name) {
        Machine machine = machines.get(name);
        if (machine == null) {
            throw new IllegalArgumentException("no host named '" + name + "' in this scenario; known hosts: "
                    + (machines.isEmpty() ? "(none)" : String.join(", ", machines.keySet())));
        }
        return machine;
    }

    /** @return the machines in order of addition */
    public List<Machine> machines() {
        synchronized (machines) {
            return List.copyOf(machines.values());
        }
    }

    /** @return the run directory (sockets, overlays, logs); deleted on close */
    public Path runDirectory() {
        return run.path();
    }

    /**
     * Starts every machine in parallel (cold boots admitted by the {@link Governor}) and waits for all agents,
     * bounded by {@link Timeouts#boot()}.
     */
    public void startAll() {
        startAll(Timeouts.boot());
    }

    /**
     * Starts every machine in parallel and waits until each agent answers.
     *
     * @param timeout bound for each machine's agent
     * @throws MachineException the first failure, with the others attached as suppressed
     */
    public void startAll(Duration timeout) {
        List<Machine> all = machines();
        if (all.isEmpty()) {
            return;
        }
        ExecutorService pool = Executors.newFixedThreadPool(all.size(), runnable -> {
            Thread thread = new Thread(runnable, "hostspec-lab-start");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Machine machine : all) {
                futures.add(pool.submit(() -> {
                    machine.start();
                    machine.waitUntilReady(timeout);
                }));
            }
            RuntimeException first = null;
            for (Future<?> future : futures) {
                try {
                    future.get();
                } catch (ExecutionException e) {
                    RuntimeException failure = e.getCause() instanceof RuntimeException r ? r
                            : new IllegalStateException(e.getCause());
                    if (first == null) {
                        first = failure;
                    } else {
                        first.addSuppressed(failure);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while starting machines", e);
                }
            }
            if (first != null) {
                throw first;
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Closes every machine in reverse order of addition, then deletes the run directory. A failing close does not
     * stop the others; failures are thrown at the end, later ones attached as suppressed. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<Runnable> actions = new ArrayList<>();
        machines().forEach(machine -> actions.add(0, machine::close)); // reverse order of addition
        actions.add(run::close);
        Closing.all(actions);
    }
}
