package io.hostspec.cli;

import io.hostspec.image.ImageBuilder;
import io.hostspec.image.ImageCache;
import io.hostspec.realize.Recipe;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The image figures of {@code ./hostspec bench}: a first image (the common base from an empty cache, downloads
 * included) and the next one (another host with {@link #NEXT_PACKAGES} more, on that base), both built into a
 * throw-away cache beside the real one, so that the real cache is neither used nor changed. The hosts are minimal
 * (a name and hardware, no files, accounts or units): the figures are the layers' and the disk's cost.
 *
 * @param firstSeconds wall-clock time of the first image
 * @param nextSeconds  wall-clock time of the next image
 */
record BenchImages(double firstSeconds, double nextSeconds) {

    /** The extra packages of the next image: small, and not in the common base. */
    static final List<String> NEXT_PACKAGES = List.of("jq", "tree", "less");

    /**
     * Builds both images into a fresh cache below {@code scratchParent} and removes that cache afterwards.
     *
     * @param recipe        the host whose hardware the images get
     * @param scratchParent where the throw-away cache is made
     * @return the figures
     */
    static BenchImages measure(Recipe recipe, Path scratchParent) {
        Path dir = null;
        try {
            Files.createDirectories(scratchParent);
            dir = Files.createTempDirectory(scratchParent, "bench-cache-");
            ImageBuilder builder = ImageBuilder.create().withCache(ImageCache.at(dir));
            long t0 = System.nanoTime();
            builder.build(withPackages(recipe, "bench-first", List.of()));
            double first = (System.nanoTime() - t0) / 1e9;
            long t1 = System.nanoTime();
            builder.build(withPackages(recipe, "bench-next", NEXT_PACKAGES));
            double next = (System.nanoTime() - t1) / 1e9;
            return new BenchImages(first, next);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a throw-away image cache below " + scratchParent, e);
        } finally {
            if (dir != null) {
                try (Stream<Path> all = Files.walk(dir)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                } catch (IOException e) {
                    System.err.println("[bench] could not remove " + dir + ": " + e);
                }
            }
        }
    }

    /** A minimal host of that name with {@code recipe}'s hardware, the common base's packages and {@code extra}. */
    static Recipe withPackages(Recipe recipe, String hostName, List<String> extra) {
        SortedSet<String> packages = new TreeSet<>(Recipe.BASE_PACKAGES);
        packages.addAll(extra);
        return new Recipe(hostName, packages, new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), new TreeMap<>(), "",
                new TreeMap<>(), new TreeSet<>(), new TreeSet<>(), recipe.hardware(), new TreeMap<>(), new TreeMap<>());
    }
}
