package io.hostspec.cli;

import io.hostspec.image.BuiltImage;
import io.hostspec.image.HostTools;
import io.hostspec.image.ImageBuilder;
import io.hostspec.image.ImageCache;
import io.hostspec.machine.internal.AccelerationProbe;
import io.hostspec.realize.Recipe;
import picocli.CommandLine.Command;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code ./hostspec doctor}: host tools, the image cache and the acceleration probe. The probe boots a guest kernel;
 * when the cache holds none, doctor builds the smallest image first and says how long that took. Exit 0 iff all tools
 * are there and the probe ran.
 */
@Command(name = "doctor", description = "Checks host tools, the image cache and the acceleration (KVM or TCG).")
final class DoctorCommand implements Callable<Integer> {

    /** The host name of the image doctor builds when the cache has no kernel to probe with. */
    static final String PROBE_HOST = "doctor";

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        HostTools tools = HostTools.vmBackend();
        for (HostTools.Status s : tools.report()) {
            out.println(s);
        }
        var missing = tools.missing();
        out.println("container engine: " + io.hostspec.container.ContainerEngine.status());
        Path cache = ImageCache.defaultLocation();
        out.println("image cache: " + cache + (Files.isDirectory(cache) ? "" : " (empty)"));
        if (!missing.isEmpty()) {
            out.println("missing tools; install with: " + HostTools.installCommand(missing, HostTools.isRoot()));
            out.println("acceleration: not probed (the probe boots a guest with qemu-system-x86_64; install the "
                    + "tools first, or run ./hostspec run as root, which installs them)");
            return 1;
        }
        out.flush();
        Optional<Path> kernel = anyCachedKernel(cache);
        if (kernel.isEmpty()) {
            kernel = Optional.of(buildProbeImage(out).kernel());
        }
        Path work = Files.createTempDirectory("hostspec-doctor");
        try {
            AccelerationProbe.Decision d = AccelerationProbe.decision(kernel.get(),
                    kernel.get().resolveSibling(ImageCache.INITRD), work);
            out.println("acceleration: " + d.accelerator().toUpperCase() + " (" + d.reason() + ")"
                    + (d.accelerator().equals("tcg") ? "; guests run under software emulation, boots take tens "
                    + "of seconds" : ""));
        } finally {
            try (Stream<Path> files = Files.walk(work)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        return 0;
    }

    /** Builds the smallest image for its kernel, saying so first since from an empty cache it takes minutes. */
    private static BuiltImage buildProbeImage(PrintWriter out) {
        out.println("acceleration: the probe needs a guest kernel and the cache has none; building the smallest image "
                + "(from an empty cache this downloads the base packages and takes a few minutes) ...");
        out.flush();
        long start = System.nanoTime();
        BuiltImage image = ImageBuilder.create().build(Recipe.minimal(PROBE_HOST));
        out.printf("acceleration: built %s in %.1f s%n", image.disk().getParent(), (System.nanoTime() - start) / 1e9);
        out.flush();
        return image;
    }

    private static Optional<Path> anyCachedKernel(Path cache) throws IOException {
        Path images = cache.resolve("images");
        if (!Files.isDirectory(images)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.list(images)) {
            return s.map(d -> d.resolve(ImageCache.KERNEL)).filter(Files::isRegularFile).findFirst();
        }
    }
}
