package io.hostspec.cli;

import io.hostspec.image.HostTools;
import io.hostspec.image.ImageCache;
import io.hostspec.machine.internal.AccelerationProbe;
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

/** {@code ./hostspec doctor}: host tools, the image cache and the acceleration probe. Exit 0 iff all tools are there. */
@Command(name = "doctor", description = "Checks host tools, the image cache and the acceleration probe.")
final class DoctorCommand implements Callable<Integer> {

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
        if (!missing.isEmpty()) {
            out.println("missing tools; install with: " + HostTools.installCommand(missing, HostTools.isRoot()));
        }
        out.println("container engine: " + io.hostspec.container.ContainerEngine.status());
        Path cache = ImageCache.defaultLocation();
        out.println("image cache: " + cache + (Files.isDirectory(cache) ? "" : " (empty)"));
        Optional<Path> kernel = anyCachedKernel(cache);
        if (kernel.isPresent()) {
            Path work = Files.createTempDirectory("hostspec-doctor");
            String accel = AccelerationProbe.accelerator(kernel.get(), kernel.get().resolveSibling(ImageCache.INITRD),
                    work);
            out.println("acceleration: " + accel.toUpperCase() + (accel.equals("tcg")
                    ? " (a KVM guest did not boot within " + AccelerationProbe.DEADLINE.toSeconds() + " s)" : ""));
        } else {
            out.println("acceleration: not probed yet (the probe boots a guest kernel; build an image first: "
                    + "./hostspec build xoa)");
        }
        return missing.isEmpty() ? 0 : 1;
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
