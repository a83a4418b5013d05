package io.hostspec.generation;

import java.time.Duration;
import java.util.Collections;
import java.util.Locale;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What one switch or rollback did to a live host: the units it acted on (as the guest reported them, so a unit that
 * was not running and therefore not restarted is not listed), the units it left alone, whether it reloaded the
 * firewall and applied sysctls, the files it wrote and removed, the units that failed with their journal, and how long
 * it took.
 *
 * @param host            the host's name
 * @param kind            switch or rollback
 * @param from            the generation that was running
 * @param to              the generation now current
 * @param started         units started
 * @param restarted       units restarted
 * @param reloaded        units reloaded
 * @param stopped         units stopped
 * @param unchanged       units left untouched
 * @param firewallReloaded whether the nftables ruleset was reloaded
 * @param sysctlsApplied  whether kernel parameters were applied
 * @param filesWritten    paths written
 * @param filesRemoved    paths removed
 * @param failed          units that failed, with the tail of their journal
 * @param failedSteps     activation steps other than units that failed ({@link #FIREWALL}, {@link #SYSCTLS}), with
 *                        the failing tool's output
 * @param took            wall-clock time of the whole activation
 */
public record SwitchResult(
        String host,
        Kind kind,
        int from,
        int to,
        SortedSet<String> started,
        SortedSet<String> restarted,
        SortedSet<String> reloaded,
        SortedSet<String> stopped,
        SortedSet<String> unchanged,
        boolean firewallReloaded,
        boolean sysctlsApplied,
        SortedSet<String> filesWritten,
        SortedSet<String> filesRemoved,
        SortedMap<String, String> failed,
        SortedMap<String, String> failedSteps,
        Duration took) {

    /** The step of {@link #failedSteps()} that loads the nftables ruleset. */
    public static final String FIREWALL = "firewall";
    /** The step of {@link #failedSteps()} that applies the kernel parameters. */
    public static final String SYSCTLS = "sysctls";

    /** Whether a result comes from a switch to a new configuration or from a rollback. */
    public enum Kind {
        /** {@code switches to a configuration}. */
        SWITCH,
        /** {@code rolls back}. */
        ROLLBACK;

        /** The lower-case word used in records and messages. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** What a switch can do to a unit. */
    public enum Action {
        /** A new unit was started. */
        STARTED,
        /** A changed unit was restarted. */
        RESTARTED,
        /** A changed unit that declares reload was reloaded. */
        RELOADED,
        /** A removed unit was stopped. */
        STOPPED;

        /**
         * The action named by a word of the Gherkin steps.
         *
         * @param word started, restarted, reloaded or stopped
         * @return the action
         * @throws IllegalArgumentException for any other word, naming the known ones
         */
        public static Action of(String word) {
            for (Action a : values()) {
                if (a.name().equalsIgnoreCase(word)) {
                    return a;
                }
            }
            throw new IllegalArgumentException("no unit action \"" + word + "\"; known: started, restarted, "
                    + "reloaded, stopped");
        }
    }

    /** A result; collections are copied and unmodifiable. */
    public SwitchResult {
        started = copy(started);
        restarted = copy(restarted);
        reloaded = copy(reloaded);
        stopped = copy(stopped);
        unchanged = copy(unchanged);
        filesWritten = copy(filesWritten);
        filesRemoved = copy(filesRemoved);
        failed = Collections.unmodifiableSortedMap(new TreeMap<>(failed));
        failedSteps = Collections.unmodifiableSortedMap(new TreeMap<>(failedSteps));
    }

    /** Whether nothing failed: no unit, no firewall or sysctl step. */
    public boolean succeeded() {
        return failed.isEmpty() && failedSteps.isEmpty();
    }

    /** Everything that failed, units and steps, for messages: e.g. {@code [firewall, broken.service]}. */
    public java.util.List<String> failures() {
        java.util.List<String> all = new java.util.ArrayList<>(failedSteps.keySet());
        all.addAll(failed.keySet());
        return java.util.List.copyOf(all);
    }

    /**
     * The units the activation acted on in one way.
     *
     * @param action the action
     * @return the units, sorted
     */
    public SortedSet<String> units(Action action) {
        return switch (action) {
            case STARTED -> started;
            case RESTARTED -> restarted;
            case RELOADED -> reloaded;
            case STOPPED -> stopped;
        };
    }

    /** Whether the activation acted on no unit, the firewall and the sysctls alike. */
    public boolean actedOnNothing() {
        return started.isEmpty() && restarted.isEmpty() && reloaded.isEmpty() && stopped.isEmpty()
                && !firewallReloaded && !sysctlsApplied;
    }

    /** The actions as text, one per line, for reports and failure messages. */
    public String report() {
        StringBuilder b = new StringBuilder();
        b.append(kind.word()).append(" of ").append(host).append(": generation ").append(from).append(" -> ")
                .append(to).append(" in ").append(took.toMillis()).append(" ms\n");
        line(b, "started", started);
        line(b, "restarted", restarted);
        line(b, "reloaded", reloaded);
        line(b, "stopped", stopped);
        line(b, "unchanged", unchanged);
        b.append("firewall reloaded: ").append(firewallReloaded ? "yes" : "no").append('\n');
        b.append("sysctls applied: ").append(sysctlsApplied ? "yes" : "no").append('\n');
        line(b, "files written", filesWritten);
        line(b, "files removed", filesRemoved);
        failedSteps.forEach((step, output) -> b.append("FAILED ").append(step).append(":\n  ")
                .append(output.strip().replace("\n", "\n  ")).append('\n'));
        failed.forEach((unit, journal) -> b.append("FAILED ").append(unit).append(":\n  ")
                .append(journal.strip().replace("\n", "\n  ")).append('\n'));
        return b.toString();
    }

    private static void line(StringBuilder b, String label, SortedSet<String> items) {
        b.append(label).append(": ").append(items.isEmpty() ? "(none)" : String.join(", ", items)).append('\n');
    }

    private static SortedSet<String> copy(SortedSet<String> s) {
        return Collections.unmodifiableSortedSet(new TreeSet<>(s));
    }
}
