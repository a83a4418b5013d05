package io.hostspec.generation;

import io.hostspec.machine.Shell;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * What the activation script reports, one line per event: the protocol between {@link ActivationScript} (which
 * renders the shell that prints the lines, through the {@code render*} methods here) and {@link GenerationHistory}
 * (which {@link #parse(String) parses} them). Both sides live here, so the two cannot drift apart.
 *
 * <p>A line is {@value #MARKER} followed by a kind and its fields, separated by single spaces; a failure's output
 * (the error of {@code nft}, {@code sysctl} or {@code systemctl}) travels base64-encoded so that it stays one field.
 * Anything else the script prints (a tool's chatter) is not an event.
 */
sealed interface ActivationEvent {

    /** The prefix of every event line. */
    String MARKER = "@hostspec-event";

    /** A unit the script acted on: started, restarted, reloaded or stopped. */
    record UnitActed(SwitchResult.Action action, String unit) implements ActivationEvent {
    }

    /**
     * A unit whose {@code systemctl VERB} failed.
     *
     * @param verb   start, restart, reload-or-restart or stop
     * @param unit   the unit
     * @param output what systemctl printed
     */
    record UnitFailed(String verb, String unit, String output) implements ActivationEvent {
    }

    /** The nftables ruleset was loaded. */
    record FirewallReloaded() implements ActivationEvent {
    }

    /**
     * Loading the nftables ruleset failed; the guest keeps its previous ruleset.
     *
     * @param output what {@code nft -f} printed
     */
    record FirewallFailed(String output) implements ActivationEvent {
    }

    /** The kernel parameters were applied. */
    record SysctlsApplied() implements ActivationEvent {
    }

    /**
     * Applying the kernel parameters failed (an unknown key, a value the kernel refuses).
     *
     * @param output what {@code sysctl -p} printed
     */
    record SysctlsFailed(String output) implements ActivationEvent {
    }

    // ---------------------------------------------------------------- rendering (the guest side)

    /**
     * Shell that runs {@code systemctl VERB UNIT} and reports {@link UnitActed} or {@link UnitFailed}.
     *
     * @param verb   the systemctl verb
     * @param done   the action reported on success
     * @param unit   the unit
     * @return one line of shell
     */
    static String renderUnit(String verb, SwitchResult.Action done, String unit) {
        return renderStep("systemctl " + verb + " " + Shell.quote(unit),
                MARKER + " unit-acted " + done.name().toLowerCase(Locale.ROOT) + " " + unit,
                MARKER + " unit-failed " + verb + " " + unit);
    }

    /** Shell that loads the ruleset file and reports {@link FirewallReloaded} or {@link FirewallFailed}. */
    static String renderFirewall(String rulesetFile) {
        return "if [ -f " + rulesetFile + " ]; then " + renderStep("nft -f " + rulesetFile,
                MARKER + " firewall-reloaded", MARKER + " firewall-failed").strip() + "; fi\n";
    }

    /** Shell that applies the sysctl file and reports {@link SysctlsApplied} or {@link SysctlsFailed}. */
    static String renderSysctls(String sysctlFile) {
        return "if [ -f " + sysctlFile + " ]; then " + renderStep("sysctl -q -p " + sysctlFile,
                MARKER + " sysctls-applied", MARKER + " sysctls-failed").strip() + "; fi\n";
    }

    // Runs a command with its output captured; prints the success line, or the failure line with the output appended
    // as one base64 field (base64 -w0: no line breaks).
    private static String renderStep(String command, String success, String failure) {
        return "if hostspec_out=$(" + command + " 2>&1); then echo " + Shell.quote(success) + "; else echo "
                + Shell.quote(failure) + " \"$(printf '%s' \"$hostspec_out\" | base64 -w0)\"; fi\n";
    }

    // ---------------------------------------------------------------- parsing (the host side)

    /**
     * The events in the output of an activation script, in order. Lines without the marker are not events.
     *
     * @param output the script's output (standard output and error together)
     * @return the events
     * @throws IllegalArgumentException for a marked line that is not a known event, naming the line
     */
    static List<ActivationEvent> parse(String output) {
        List<ActivationEvent> events = new ArrayList<>();
        for (String line : output.split("\n")) {
            int at = line.indexOf(MARKER + " ");
            if (at >= 0) {
                events.add(parseLine(line.substring(at + MARKER.length() + 1).strip(), line));
            }
        }
        return List.copyOf(events);
    }

    private static ActivationEvent parseLine(String rest, String line) {
        String[] f = rest.split(" ", -1);
        try {
            return switch (f[0]) {
                case "unit-acted" -> new UnitActed(SwitchResult.Action.of(f[1]), f[2]);
                case "unit-failed" -> new UnitFailed(f[1], f[2], f.length > 3 ? decode(f[3]) : "");
                case "firewall-reloaded" -> new FirewallReloaded();
                case "firewall-failed" -> new FirewallFailed(f.length > 1 ? decode(f[1]) : "");
                case "sysctls-applied" -> new SysctlsApplied();
                case "sysctls-failed" -> new SysctlsFailed(f.length > 1 ? decode(f[1]) : "");
                default -> throw new IllegalArgumentException("unknown kind " + f[0]);
            };
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an activation event: \"" + line.strip() + "\" (" + e.getMessage()
                    + ")", e);
        }
    }

    private static String decode(String base64) {
        return new String(Base64.getDecoder().decode(base64.strip()), StandardCharsets.UTF_8);
    }
}
