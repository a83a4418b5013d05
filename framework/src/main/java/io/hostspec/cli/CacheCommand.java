package io.hostspec.cli;

import io.hostspec.image.CachePruner;
import io.hostspec.image.ImageCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code ./hostspec cache [prune]}: what the image cache holds, and removing what was not used lately. The cache has
 * no bound of its own (only its apt archive does): images and base layers are kept until pruned.
 */
@Command(name = "cache", description = "Shows the image cache (images, base layers) and prunes it.",
        subcommands = CacheCommand.Prune.class)
final class CacheCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        ImageCache cache = ImageCache.defaultCache();
        List<CachePruner.Entry> entries = new CachePruner(cache).entries();
        PrintWriter out = spec.commandLine().getOut();
        out.println("image cache: " + cache.root());
        for (String kind : List.of("image", "base")) {
            List<CachePruner.Entry> of = entries.stream().filter(e -> e.kind().equals(kind)).toList();
            out.printf(Locale.ROOT, "  %-12s %4d entries  %s%n", kind.equals("image") ? "images" : "base layers",
                    of.size(), size(of.stream().mapToLong(CachePruner.Entry::bytes).sum()));
        }
        entries.stream().findFirst().ifPresent(e -> out.println("  least recently used: " + e.lastUsed()));
        out.println("Remove what was not used lately: ./hostspec cache prune [--older-than 14d] [--max-size 30G]");
        return 0;
    }

    static String size(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }

    /** {@code cache prune}: removes entries unused for a while, then the least recently used beyond a size. */
    @Command(name = "prune", description = "Removes images and base layers not used lately (never one used in the "
            + "last 3 hours, which a run may still need).")
    static final class Prune implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--older-than", paramLabel = "AGE", defaultValue = "14d",
                description = "Remove entries unused this long: a number of days (14d) or hours (12h). Default 14d.")
        String olderThan;
        @Option(names = "--max-size", paramLabel = "SIZE", description = "Then remove the least recently used "
                + "entries until the cache holds at most SIZE (G or M, e.g. 30G).")
        String maxSize;
        @Option(names = "--dry-run", description = "Say what would be removed; remove nothing.")
        boolean dryRun;

        @Override
        public Integer call() {
            Duration age;
            long max;
            try {
                age = age(olderThan);
                max = maxSize == null ? Long.MAX_VALUE : bytes(maxSize);
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("hostspec cache prune: " + e.getMessage());
                return Main.USAGE;
            }
            CachePruner pruner = new CachePruner(ImageCache.defaultCache());
            List<CachePruner.Entry> removed = pruner.prune(age, max, Instant.now(), dryRun);
            PrintWriter out = spec.commandLine().getOut();
            for (CachePruner.Entry e : removed) {
                out.printf(Locale.ROOT, "%s %-5s %s  %s  last used %s%n", dryRun ? "would remove" : "removed",
                        e.kind(), e.key().substring(0, Math.min(12, e.key().length())), size(e.bytes()), e.lastUsed());
            }
            out.println((dryRun ? "would free " : "freed ") + size(removed.stream()
                    .mapToLong(CachePruner.Entry::bytes).sum()) + " (" + removed.size() + " entries)");
            return 0;
        }

        static Duration age(String text) {
            String t = text.strip().toLowerCase(Locale.ROOT);
            if (t.matches("\\d+d")) {
                return Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            if (t.matches("\\d+h")) {
                return Duration.ofHours(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            throw new IllegalArgumentException("--older-than takes days or hours, like 14d or 12h; got '" + text + "'");
        }

        static long bytes(String text) {
            String t = text.strip().toUpperCase(Locale.ROOT);
            if (t.matches("\\d+G")) {
                return Long.parseLong(t.substring(0, t.length() - 1)) << 30;
            }
            if (t.matches("\\d+M")) {
                return Long.parseLong(t.substring(0, t.length() - 1)) << 20;
            }
            throw new IllegalArgumentException("--max-size takes G or M, like 30G or 500M; got '" + text + "'");
        }
    }
}
