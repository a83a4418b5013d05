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
    void evalTimingRunsTheLauncherAsANewProcessAndReadsBashTime(@org.junit.jupiter.api.io.TempDir java.nio.file.Path root)
            throws Exception {
        java.nio.file.Path launcher = root.resolve("hostspec");
        java.nio.file.Files.writeString(launcher, "#!/bin/sh\n[ \"$1 $2\" = \"eval hosts/x.nix\" ] || exit 3\n"
                + "i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done\necho '{}'\n");
        assertTrue(launcher.toFile().setExecutable(true));
        EvalTiming t = EvalTiming.measure(root, "hosts/x.nix", 3).orElseThrow();
        assertEquals(3, t.samples());
        assertTrue(t.wallSeconds() > 0 && t.cpuSeconds() > 0, t.toString());
        assertEquals(Optional.empty(), EvalTiming.measure(root.resolve("nowhere"), "hosts/x.nix", 1));
        IllegalStateException failed = org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> EvalTiming.measure(root, "hosts/other.nix", 1));
        assertTrue(failed.getMessage().contains("exit code 3"), failed.getMessage());
        assertEquals(1.5, EvalTiming.parse("noise\nhostspec-time 1.50 0.70 0.20\n").orElseThrow()[0]);
        assertEquals(Optional.empty(), EvalTiming.parse("hostspec: error"));
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
