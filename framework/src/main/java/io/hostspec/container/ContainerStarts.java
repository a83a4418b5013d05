package io.hostspec.container;

import io.hostspec.image.BuiltImage;
import io.hostspec.machine.Timeouts;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The container figure of {@code ./hostspec bench}: how long a host takes to start as a container. */
public final class ContainerStarts {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerStarts.class);

    private ContainerStarts() {
    }

    /**
     * The median time from creating a host's container to its first answered command, over {@code samples} starts
     * (each a new container of the imported image, no LAN; the import itself is not measured).
     *
     * @param name    the host name
     * @param image   its built image
     * @param samples how many starts
     * @return the median in seconds; empty when no Docker engine answers (the reason is logged)
     */
    public static OptionalDouble medianSeconds(String name, BuiltImage image, int samples) {
        ContainerEngine engine;
        String engineImage;
        try {
            engine = ContainerEngine.get();
            engineImage = ContainerImages.ensure(engine, name, image);
        } catch (IllegalStateException e) {
            LOG.warn("no container figure: {}", e.getMessage());
            return OptionalDouble.empty();
        }
        List<Double> seconds = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            try (ContainerMachine m = new ContainerMachine(engine, new ContainerMachine.Spec(name, engineImage,
                    List.of(), List.of()))) {
                long t0 = System.nanoTime();
                m.start();
                m.waitUntilReady(Timeouts.boot());
                m.succeed("true");
                seconds.add((System.nanoTime() - t0) / 1e9);
            }
        }
        return seconds.stream().sorted().skip((seconds.size() - 1) / 2).limit(2 - seconds.size() % 2)
                .mapToDouble(Double::doubleValue).average();
    }
}
