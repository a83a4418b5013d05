package io.hostspec.generation;

import io.hostspec.image.ImageBuilder;
import io.hostspec.machine.LogSection;
import io.hostspec.realize.Recipe;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * How a switch that changes the package set brings the packages to a guest without network: both generations' base
 * layers from the image builder's cache, their difference ({@link BaseLayerDelta}) as a tarball written into the
 * guest, for the activation script to unpack. Kept apart from {@link GenerationHistory}, which only decides when a
 * delta is needed.
 */
final class PackageDeltaTransfer {

    // logged under the history's name, as before the split, so log configurations keep matching
    private static final Logger LOG = LoggerFactory.getLogger(GenerationHistory.class);

    private final Guest machine;
    private final ImageBuilder images;

    /**
     * A transfer into one guest.
     *
     * @param machine the guest to write the delta to
     * @param images  the builder whose cache holds (or builds) the base layers; never null here, since a history
     *                without one refuses package switches before anything is transferred
     */
    PackageDeltaTransfer(Guest machine, ImageBuilder images) {
        this.machine = machine;
        this.images = images;
    }

    /**
     * Builds (or finds) both base layers, computes their difference and writes the delta tarball into the guest, in a
     * log section of its own.
     *
     * @param from      the running generation's recipe
     * @param to        the recipe to activate
     * @param guestPath where the tarball is written in the guest
     * @return the delta written
     */
    BaseLayerDelta transfer(Recipe from, Recipe to, String guestPath) {
        try (LogSection ignored = LogSection.open(machine.name(), "package delta (base layers " + shortHash(from)
                + " -> " + shortHash(to) + ")")) {
            return transferUnlogged(from, to, guestPath);
        }
    }

    private static String shortHash(Recipe r) {
        return r.packagesHash().substring(0, Math.min(12, r.packagesHash().length()));
    }

    private BaseLayerDelta transferUnlogged(Recipe from, Recipe to, String guestPath) {
        long t0 = System.nanoTime();
        Path oldLayer = images.baseLayer(from);
        Path newLayer = images.baseLayer(to);
        long t1 = System.nanoTime();
        Path local = null;
        try {
            local = Files.createTempFile("hostspec-delta-", ".tar");
            BaseLayerDelta delta = BaseLayerDelta.compute(oldLayer, newLayer, deltaExclusions(from, to), local);
            long t2 = System.nanoTime();
            machine.writeFile(guestPath, Files.readAllBytes(local));
            long t3 = System.nanoTime();
            LOG.info(String.format("[%s] " + "package delta: %d paths written, %d removed, %d account entries, %d KiB;"
                            + " base layers %.1f s, difference %.1f s, transfer %.1f s", machine.name(), delta.changed().size(),
                    delta.removed().size(), delta.accountLines().values().stream().mapToInt(List::size).sum(),
                    delta.tarBytes() / 1024, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9));
            return delta;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (local != null) {
                try {
                    Files.deleteIfExists(local);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    /**
     * The guest paths a package delta between two recipes leaves alone: anything under a state directory of either,
     * the files and links either recipe manages (the plan writes those), identity and run-time files
     * ({@link GenerationHistory#DELTA_EXCLUDED_FILES}, {@link GenerationHistory#DELTA_EXCLUDED_TREES}). dpkg's
     * state under /var/lib/dpkg is always included.
     *
     * @param from the running generation's recipe
     * @param to   the recipe to activate
     * @return whether a path is excluded
     */
    static Predicate<String> deltaExclusions(Recipe from, Recipe to) {
        Set<String> exact = new TreeSet<>(GenerationHistory.DELTA_EXCLUDED_FILES);
        for (Recipe r : List.of(from, to)) {
            exact.addAll(SwitchPlan.managedFiles(r).keySet());
            exact.addAll(SwitchPlan.wantsLinks(r).keySet());
        }
        List<String> trees = new ArrayList<>(GenerationHistory.DELTA_EXCLUDED_TREES);
        trees.addAll(from.stateDirs());
        trees.addAll(to.stateDirs());
        return p -> {
            if (p.equals("/var/lib/dpkg") || p.startsWith("/var/lib/dpkg/")) {
                return false;
            }
            if (exact.contains(p)) {
                return true;
            }
            for (String t : trees) {
                String d = t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
                if (p.equals(d) || p.startsWith(d + "/")) {
                    return true;
                }
            }
            return false;
        };
    }
}
