package io.hostspec.cli;

import io.hostspec.realize.Recipe;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {

    @Test
    void theSystemdAnalyzeTotalIsReadInSeconds() {
        assertEquals(Optional.of(15.645), BenchCommand.systemdTotal(
                "Startup finished in 2.345s (kernel) + 3.100s (initrd) + 10.200s (userspace) = 15.645s"));
        assertEquals(Optional.of(62.5), BenchCommand.systemdTotal(
                "Startup finished in 20.1s (kernel) + 42.4s (userspace) = 1min 2.500s"));
        assertEquals(Optional.of(0.9), BenchCommand.systemdTotal("Startup finished in 900ms (userspace) = 900ms"));
        assertEquals(Optional.empty(), BenchCommand.systemdTotal("Bootup is not yet finished."));
    }

    @Test
    void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertEquals(2.5, BenchCommand.median(List.of(4.0, 1.0, 2.0, 3.0)));
        assertEquals(2.0, BenchCommand.median(List.of(3.0, 1.0, 2.0)));
    }

    @Test
    void theNextImageAddsThreePackagesToTheCommonBaseOnly() {
        Recipe host = new Recipe("xoa", new TreeSet<>(List.of("redis-server")), new TreeMap<>(), new TreeMap<>(),
                new TreeMap<>(), new TreeMap<>(), "", new TreeMap<>(), new TreeSet<>(), new TreeSet<>(),
                new Recipe.Hardware(768, 2, new TreeSet<>()), new TreeMap<>(), new TreeMap<>());
        Recipe first = BenchImages.withPackages(host, "bench-first", List.of());
        Recipe next = BenchImages.withPackages(host, "bench-next", BenchImages.NEXT_PACKAGES);
        assertEquals(new TreeSet<>(Recipe.BASE_PACKAGES), first.packages());
        assertEquals(Recipe.BASE_PACKAGES.size() + 3, next.packages().size());
        assertTrue(next.packages().containsAll(BenchImages.NEXT_PACKAGES));
        assertEquals(host.hardware(), next.hardware());
    }
}
