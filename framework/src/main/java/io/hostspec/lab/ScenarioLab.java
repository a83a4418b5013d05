package io.hostspec.lab;

import io.hostspec.container.ContainerEngine;
import io.hostspec.container.ContainerImages;
import io.hostspec.container.ContainerMachine;
import io.hostspec.container.ContainerNetwork;
import io.hostspec.host.EvaluatedHost;
import io.hostspec.host.Hosts;
import io.hostspec.host.ScenarioHosts;
import io.hostspec.image.BuiltImage;
import io.hostspec.image.HostTools;
import io.hostspec.image.ImageBuilder;
import io.hostspec.machine.Backend;
import io.hostspec.machine.ExecResult;
import io.hostspec.machine.Governor;
import io.hostspec.machine.Lab;
import io.hostspec.machine.Machine;
import io.hostspec.machine.MachineSpec;
import io.hostspec.machine.Timeouts;
import io.hostspec.net.NetworkPlan;
import io.hostspec.net.Reachability;
import io.hostspec.net.VirtualNetwork;
import io.hostspec.realize.LabOnline;
import io.hostspec.realize.Recipe;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One scenario's hosts, from declaration to running machines: hosts are declared, evaluated when first asserted on,
 * built into images and booted lazily on first use ({@link #host(String)}), or all at once in parallel
 * ({@link #startAll()}). Remembers the output of the last command for the output assertions. Closing it stops every
 * machine it started. This is the Java API the Gherkin steps call, one call per step.
 */
public final class ScenarioLab implements AutoCloseable {

    private final ScenarioHosts declarations;
    private final Hosts hosts;
    private final ImageBuilder images;
    private final Map<String, Host> started = new LinkedHashMap<>();
    private final Map<String, BuiltImage> builtImages = new ConcurrentHashMap<>();
    private final ScenarioGenerations generations;
    private final SecretsDelivery secrets = new SecretsDelivery();
    private Lab lab;
    private NetworkPlan plan;
    private VirtualNetwork network;
    private ContainerNetwork containerNetwork;
    private ExecResult last;
    private boolean closed;

    /** A lab evaluating hosts with {@code hosts} and building their images with {@code images}. */
    public ScenarioLab(Hosts hosts, ImageBuilder images) {
        this.hosts = hosts;
        this.images = images;
        this.generations = new ScenarioGenerations(this, hosts, images);
        this.declarations = new ScenarioHosts(hosts);
    }

    /** The scenario's host declarations (evaluation-only assertions live there). */
    public ScenarioHosts declarations() {
        return declarations;
    }

    /**
     * The running host of that name: on first use its configuration is evaluated, its image built (or taken from the
     * cache) and its machine started; commands wait for its guest agent.
     */
    public Host host(String name) {
        Host host = launch(name);
        host.ensureReady();
        return host;
    }

    /**
     * Boots a host: for the first time, or again from its own disk after a shutdown or crash (never from a snapshot:
     * the disk it had is kept). Waits until it is ready.
     */
    public Host started(String name) {
        Host host = launch(name);
        host.start();
        return host;
    }

    /** Creates a host's machine if needed, without starting it. */
    private synchronized Host launch(String name) {
        Host host = started.get(name);
        if (host == null) {
            EvaluatedHost evaluated = declarations.evaluate(name);
            NetworkPlan plan = plan();
            if (plan.hosts().stream().noneMatch(h -> h.name().equals(name))) {
                throw new IllegalStateException("host \"" + name + "\" was declared after the scenario's network was "
                        + "set up for " + plan.hosts().stream().map(NetworkPlan.HostNetwork::name).toList()
                        + "; declare every host before the first step that uses one");
            }
            Machine machine = switch (backendOf(evaluated)) {
                case VM -> lab().add(spec(name, evaluated.recipe()).withExtraQemuArgs(network().qemuArgs(name)));
                case CONTAINER -> lab().add(container(name, evaluated.recipe()));
            };
            host = new Host(this, machine, evaluated);
            started.put(name, host);
        }
        return host;
    }

    /** Boots every declared host in parallel and waits until each one answers and has its network identity. */
    public void startAll() {
        List<String> names = new ArrayList<>(declarations.names());
        if (names.isEmpty()) {
            throw new IllegalStateException("no host is declared in this scenario; declare one first, e.g. "
                    + "Given the host \"xoa\" from \"hosts/xoa\"");
        }
        buildImages(names);
        for (String name : names) {
            launch(name);
        }
        lab().startAll(Timeouts.boot());
    }

    /**
     * Builds the images of the hosts that have none yet, in parallel: at most one build per boot slot of the
     * {@link Governor} (a build is apt, mke2fs and qemu-img: CPU and I/O, like a boot). Builds of hosts that share a
     * layer wait for each other in the image cache, so the layer is built once.
     */
    private void buildImages(List<String> names) {
        Map<String, Recipe> missing = new LinkedHashMap<>();
        for (String name : names) {
            if (!builtImages.containsKey(name)) {
                missing.put(name, declarations.evaluate(name).recipe());
            }
        }
        if (missing.size() < 2) {
            return;
        }
        HostTools.ensureVmBackend();
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(missing.size(), Governor.shared().bootSlots()));
        try {
            Map<String, Future<BuiltImage>> builds = new LinkedHashMap<>();
            missing.forEach((name, recipe) -> builds.put(name, pool.submit(() -> images.build(recipe))));
            for (var build : builds.entrySet()) {
                builtImages.putIfAbsent(build.getKey(), build.getValue().get());
            }
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the images of " + missing.keySet(), e);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Asserts a TCP connection from one host to another's port succeeds (retried up to the default wait). */
    public void assertCanReach(String client, String target, int port) {
        Host from = host(client);
        host(target);
        Reachability.canReach(from.machine(), address(client, target), port, Timeouts.waitDefault());
        host(target).touches.port(port);
    }

    /**
     * Asserts a TCP connection from one host to another's port is refused or dropped, after checking the client
     * reaches the target at all (so a broken client or LAN does not pass as "cannot reach").
     */
    public void assertCannotReach(String client, String target, int port) {
        Host from = host(client);
        host(target);
        Reachability.cannotReach(from.machine(), address(client, target), port);
        host(target).touches.port(port);
    }

    private String address(String client, String target) {
        return plan().addressFor(client, target).orElseThrow(() -> new AssertionError("\"" + client
                + "\" and \"" + target + "\" share no virtual LAN (see virtualisation.vlans); "
                + "they cannot talk to each other"));
    }

    /** The backend a host runs on: its own {@code virtualisation.backend}, else the run's ({@link Backend#forRun()}). */
    static Backend backendOf(EvaluatedHost evaluated) {
        String chosen = evaluated.recipe().hardware().backend();
        return chosen == null ? Backend.forRun() : Backend.of(chosen);
    }

    // Every declared host in one plan; each backend builds its LANs from it (a VM and a container share no LAN).
    private synchronized NetworkPlan plan() {
        if (plan == null) {
            List<NetworkPlan.Member> members = new ArrayList<>();
            for (String name : declarations.names()) {
                var host = declarations.evaluate(name);
                members.add(new NetworkPlan.Member(name, host.recipe().hardware().vlans(),
                        host.config().strings(LabOnline.ALIASES)));
            }
            plan = NetworkPlan.of(members);
        }
        return plan;
    }

    private synchronized ContainerNetwork containerNetwork() {
        if (containerNetwork == null) {
            containerNetwork = ContainerNetwork.start(ContainerEngine.get(), plan());
        }
        return containerNetwork;
    }

    // The same image a VM boots, imported into Docker; what a container cannot honour fails before anything starts.
    private Machine container(String name, Recipe recipe) {
        if (!recipe.kernelModules().isEmpty()) {
            Backend.CONTAINER.require(name, Backend.Capability.KERNEL_MODULES);
        }
        if (!recipe.hardware().disks().isEmpty()) {
            Backend.CONTAINER.require(name, Backend.Capability.EXTRA_DISKS);
        }
        if (recipe.hardware().hasTpm()) {
            Backend.CONTAINER.require(name, Backend.Capability.TPM);
        }
        ContainerEngine engine = ContainerEngine.get();
        String image = ContainerImages.ensure(engine, name, image(name, recipe));
        ContainerNetwork net = containerNetwork();
        Recipe.FileEntry etcHosts = recipe.files().get("/etc/hosts");
        return new ContainerMachine(engine, new ContainerMachine.Spec(name, image, net.endpoints(name),
                net.extraHosts(name, etcHosts == null ? null : etcHosts.content())));
    }

    private synchronized VirtualNetwork network() {
        if (network == null) {
            VirtualNetwork net = VirtualNetwork.start(plan(), lab().runDirectory());
            // after every cold boot and every snapshot restore: a restored guest has the snapshot's identity; then
            // the age key and the secrets, which no snapshot holds
            lab().afterStart(machine -> {
                net.configure(machine, machine.name());
                secrets.activate(machine, hosts.evaluate(declarations.spec(machine.name())).recipe());
            });
            network = net;
        }
        return network;
    }

    /**
     * Asserts that no file of the host's image entry (its disk, kernel, initrd and warm snapshots: disk, RAM and
     * device state) and no file of this run's directory (overlays, RAM files, consoles, logs) holds {@code text}.
     *
     * @throws AssertionError listing the files that hold it
     */
    public void assertStoredNowhere(String name, String text) {
        Host h = host(name);
        BuiltImage image = image(name, h.evaluated().recipe());
        List<java.nio.file.Path> roots = List.of(image.disk().toAbsolutePath().getParent(), lab().runDirectory());
        List<java.nio.file.Path> found = PlaintextSearch.filesContaining(roots, text);
        if (!found.isEmpty()) {
            throw new AssertionError("the plaintext is stored in " + found.size() + " file(s) of " + name
                    + "'s image entry or the run directory (searched " + roots + "):\n" + String.join("\n",
                    found.stream().map(java.nio.file.Path::toString).toList()));
        }
    }

    /**
     * Asserts that starting the host (booting it, delivering its age key, activating its secrets) fails with a message
     * containing {@code text}.
     */
    public void assertStartFails(String name, String text) {
        try {
            host(name).machine().succeed("true");
        } catch (RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            if (!message.contains(text)) {
                throw new AssertionError("starting \"" + name + "\" failed, but not with \"" + text + "\":\n"
                        + message, e);
            }
            return;
        }
        throw new AssertionError("expected starting \"" + name + "\" to fail with \"" + text + "\", but it started");
    }

    /**
     * The age key file (on this machine; relative to the project root) whose keys the host's guest gets after every
     * start to decrypt its sops secrets. Without it, the key is found as the sops tool finds it (SOPS_AGE_KEY,
     * SOPS_AGE_KEY_FILE, ~/.config/sops/age/keys.txt). Give it before the host starts.
     */
    public void useAgeKey(String name, String keyFile) {
        declarations.spec(name);
        secrets.useKey(name, hosts.project().root().resolve(keyFile).normalize());
    }

    /** Switches, rollbacks and generation assertions of this scenario's hosts. */
    public ScenarioGenerations generations() {
        return generations;
    }

    /** Runs a command that must succeed on a host and remembers its output. */
    public ExecResult run(String host, String command) {
        return remember(host(host).succeed(command));
    }

    /** Runs a command that must fail (exit non-zero) on a host and remembers its output. */
    public ExecResult runFailing(String host, String command) {
        return remember(host(host).fail(command));
    }

    /** Retries a command on a host until it succeeds (within the default wait) and remembers its output. */
    public ExecResult runUntilSuccess(String host, String command) {
        return remember(host(host).eventuallySucceeds(command));
    }

    private synchronized ExecResult remember(ExecResult result) {
        last = result;
        return result;
    }

    /** The output of the last command a step ran. */
    public synchronized ExecResult lastResult() {
        if (last == null) {
            throw new IllegalStateException("no command has run yet in this scenario; run one first, e.g. "
                    + "When \"xoa\" runs \"hostname\"");
        }
        return last;
    }

    /** Asserts the last command's standard output contains the text. */
    public void assertOutputContains(String text) {
        ExecResult r = lastResult();
        if (!r.stdout().contains(text)) {
            throw new AssertionError("expected the output of `" + r.command() + "' to contain \"" + text
                    + "\", but it was:\n" + tail(r.stdout()));
        }
    }

    /** Asserts the last command's standard output, without its trailing newline, is exactly the text. */
    public void assertOutputIs(String text) {
        ExecResult r = lastResult();
        String out = r.stdout().stripTrailing();
        if (!out.equals(text)) {
            throw new AssertionError("expected the output of `" + r.command() + "' to be \"" + text
                    + "\", but it was \"" + out + "\"");
        }
    }

    /**
     * The evidence of every host this scenario started, by attachment name (see {@link Host#evidence(boolean)}):
     * serial consoles, and when {@code failed} the failed units and their journals.
     */
    public synchronized Map<String, String> evidence(boolean failed) {
        Map<String, String> out = new LinkedHashMap<>();
        started.values().forEach(h -> out.putAll(h.evidence(failed)));
        return out;
    }

    /** The image a host boots, built on first use. */
    BuiltImage image(String name, Recipe recipe) {
        HostTools.ensureVmBackend();
        return builtImages.computeIfAbsent(name, n -> images.build(recipe));
    }

    private MachineSpec spec(String name, Recipe recipe) {
        Recipe.Hardware hw = recipe.hardware();
        return MachineSpec.of(name, image(name, recipe)).withMemoryMiB(hw.memoryMiB()).withCores(hw.cores())
                .withDisks(hw.disks().stream().map(d -> new MachineSpec.Disk(d.serial(), d.sizeMiB())).toList())
                .withTpm(hw.hasTpm());
    }

    private Lab lab() {
        if (lab == null) {
            HostTools.ensureVmBackend(); // before the first LAN, QEMU process or run directory
            lab = Lab.create();
        }
        return lab;
    }

    /** Whether {@link #close()} was called. */
    public synchronized boolean isClosed() {
        return closed;
    }

    /** Stops every machine this scenario started, in reverse order, and removes their overlays and sockets. */
    @Override
    public synchronized void close() {
        closed = true;
        RuntimeException failure = null;
        if (lab != null) {
            try {
                lab.close();
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        for (AutoCloseable net : new AutoCloseable[] {network, containerNetwork}) {
            if (net == null) {
                continue;
            }
            try {
                net.close();
            } catch (Exception e) {
                RuntimeException r = e instanceof RuntimeException re ? re : new IllegalStateException(e);
                if (failure == null) {
                    failure = r;
                } else {
                    failure.addSuppressed(r);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    static String tail(String text) {
        String[] lines = text.split("\n", -1);
        int from = Math.max(0, lines.length - 20);
        return String.join("\n", java.util.Arrays.asList(lines).subList(from, lines.length));
    }
}
