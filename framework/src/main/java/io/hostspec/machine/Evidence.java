package io.hostspec.machine;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The one place that collects what a failure or a report shows of a machine: the console tail, a unit's status and
 * journal, {@code systemctl --failed} with the journal of each failed unit, and the tails of a command's output.
 * Every method works on any backend (through {@link Machine}) and never lets collecting evidence hide the failure it
 * explains: what cannot be read is reported as unavailable.
 */
public final class Evidence {

    /** Lines of the console attached to a failure. */
    public static final int CONSOLE_LINES = 50;
    /** Lines of a command's stdout and stderr attached to a failure. */
    public static final int OUTPUT_LINES = 30;
    /** Lines of a unit's journal attached to a failed wait. */
    public static final int UNIT_JOURNAL_LINES = 30;
    /** Lines of a failed unit's journal in a report. */
    public static final int REPORT_JOURNAL_LINES = 200;

    private static final Pattern ANSI = Pattern.compile("\u001B\\[[0-9;?]*[A-Za-z]");
    private static final int FILE_WINDOW = 256 * 1024;

    private Evidence() {
    }

    /**
     * @param m the machine
     * @return the console's last {@value #CONSOLE_LINES} lines under a heading, for a failure message
     */
    public static String console(Machine m) {
        return "\n--- " + consoleName(m) + " of " + m.name() + " (last " + CONSOLE_LINES + " lines) ---\n"
                + String.join("\n", m.consoleTail(CONSOLE_LINES));
    }

    /**
     * @param result a finished command
     * @return its stdout and stderr tails under headings
     */
    public static String output(ExecResult result) {
        return "\n--- stdout (last " + OUTPUT_LINES + " lines) ---\n" + tail(result.stdout())
                + "\n--- stderr (last " + OUTPUT_LINES + " lines) ---\n" + tail(result.stderr());
    }

    /**
     * @param m    the machine
     * @param unit a systemd unit
     * @return {@code systemctl status} and the last {@value #UNIT_JOURNAL_LINES} journal lines of the unit
     */
    public static String unit(Machine m, String unit) {
        try {
            String status = m.execute("systemctl status --no-pager --full " + Shell.quote(unit) + " 2>&1",
                    Timeouts.PROTOCOL_CALL).stdout();
            return "\n--- systemctl status " + unit + " ---\n" + status.stripTrailing() + "\n"
                    + journal(m, unit, UNIT_JOURNAL_LINES);
        } catch (RuntimeException e) {
            return "\n(unit status unavailable: " + e.getMessage() + ")";
        }
    }

    /**
     * @param m     the machine
     * @param unit  a systemd unit
     * @param lines how many journal lines
     * @return the unit's last journal lines under a heading ({@code --- journal of UNIT (last N lines) ---})
     */
    public static String journal(Machine m, String unit, int lines) {
        return journal(m::execute, unit, lines);
    }

    /** A way to run a command in a guest: a machine's {@code execute}, or that of a narrower view of one. */
    @FunctionalInterface
    public interface CommandRunner {
        /** Runs {@code command} and returns its outcome whatever its exit code; bounded by {@code timeout}. */
        ExecResult execute(String command, java.time.Duration timeout);
    }

    /**
     * Like {@link #journal(Machine, String, int)}, through any {@link CommandRunner}.
     *
     * @param run   runs the journalctl command in the guest
     * @param unit  a systemd unit
     * @param lines how many journal lines
     * @return the unit's last journal lines under a heading
     */
    public static String journal(CommandRunner run, String unit, int lines) {
        String text;
        try {
            text = run.execute("journalctl --no-pager -n " + lines + " -u " + Shell.quote(unit) + " 2>&1",
                    Timeouts.PROTOCOL_CALL).stdout().strip();
        } catch (RuntimeException e) {
            text = "(unavailable: " + e.getMessage() + ")";
        }
        return "--- journal of " + unit + " (last " + lines + " lines) ---\n" + text;
    }

    /**
     * What a report keeps of a machine, by attachment name: its console and, when {@code failed} and it still runs,
     * {@code systemctl --failed}, the units still starting ({@code systemctl list-jobs}: a wait that timed out is often
     * waiting for one of them) and the journal of each failed or still activating unit. Never throws.
     *
     * @param m      the machine
     * @param failed whether the scenario failed
     * @return attachment name to text, in order
     */
    public static Map<String, String> report(Machine m, boolean failed) {
        Map<String, String> out = new LinkedHashMap<>();
        String prefix = "[" + m.name() + "] ";
        try {
            out.put(prefix + consoleName(m), String.join("\n", m.consoleTail(Integer.MAX_VALUE)));
        } catch (RuntimeException e) {
            out.put(prefix + consoleName(m), "(unavailable: " + e + ")");
        }
        if (failed && m.isRunning()) {
            try {
                out.put(prefix + "systemctl --failed", m.execute("systemctl --failed --no-pager --full 2>&1",
                        Timeouts.PROTOCOL_CALL).stdout());
                String jobs = m.execute("systemctl list-jobs --no-pager --full 2>&1", Timeouts.PROTOCOL_CALL)
                        .stdout();
                if (!jobs.strip().startsWith("No jobs")) {
                    out.put(prefix + "systemctl list-jobs", jobs);
                }
                String units = m.execute("systemctl list-units --state=failed,activating --no-legend --plain"
                        + " 2>/dev/null | cut -d' ' -f1", Timeouts.PROTOCOL_CALL).stdout();
                for (String unit : units.strip().split("\\s+")) {
                    if (!unit.isBlank()) {
                        out.put(prefix + "journal of " + unit, m.execute("journalctl --no-pager -n "
                                + REPORT_JOURNAL_LINES + " -u " + Shell.quote(unit) + " 2>&1",
                                Timeouts.PROTOCOL_CALL).stdout());
                    }
                }
            } catch (RuntimeException e) {
                out.put(prefix + "systemctl --failed", "(unavailable: " + e.getMessage() + ")");
            }
        }
        return out;
    }

    /**
     * @param m the machine
     * @return what its console is called: {@code serial console} for a VM, {@code console} otherwise
     */
    public static String consoleName(Machine m) {
        return m.backend() == Backend.VM ? "serial console" : "console";
    }

    /**
     * @param text some output
     * @return its last {@value #OUTPUT_LINES} lines
     */
    public static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - OUTPUT_LINES), lines.size()));
    }

    /**
     * @param result a finished command
     * @return its output on one line, at most 200 characters, prefixed {@code , output: }; empty when it printed nothing
     */
    public static String brief(ExecResult result) {
        String out = (result.stdout() + result.stderr()).strip().replace('\n', ' ');
        return out.isEmpty() ? "" : ", output: " + (out.length() > 200 ? out.substring(0, 200) + "..." : out);
    }

    /**
     * The last lines of a log file (its last 256 KiB at most), terminal control sequences and carriage returns removed.
     *
     * @param file  the log; missing means no lines
     * @param lines how many lines
     * @return the lines, oldest first; one line saying why when the file cannot be read
     */
    public static List<String> tail(Path file, int lines) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            long length = raf.length();
            int window = (int) Math.min(length, FILE_WINDOW);
            byte[] bytes = new byte[window];
            raf.seek(length - window);
            raf.readFully(bytes);
            return lastLines(new String(bytes, StandardCharsets.UTF_8), lines);
        } catch (IOException e) {
            return List.of("(cannot read " + file + ": " + e.getMessage() + ")");
        }
    }

    /**
     * @param text  console text
     * @param lines how many lines
     * @return its last lines, control sequences and carriage returns removed
     */
    public static List<String> lastLines(String text, int lines) {
        String clean = ANSI.matcher(text).replaceAll("").replace("\r", "");
        List<String> all = new ArrayList<>(Arrays.asList(clean.split("\n", -1)));
        if (!all.isEmpty() && all.get(all.size() - 1).isEmpty()) {
            all.remove(all.size() - 1);
        }
        return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    }
}
