package io.hostspec.image;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The guest's own record of its generations, kept on its disk under {@value #DIR} so that it survives reboots and
 * crashes: {@code current} holds the number of the running generation, {@code history} one line per activation
 * ({@code NUMBER TAB KIND TAB IMAGE-HASH TAB UTC-TIME}). Every image carries the record of generation 1
 * ({@link #bootFiles(String)}, written when the image is built), and every switch or rollback appends to it
 * ({@link #renderActivation(int, String, String)}); so a guest without a record is never "at generation 1" by default:
 * its record was lost, and that is an error ({@link #parse(int, String)}).
 *
 * <p>This class is the record's one definition: the files the image holds, the shell that extends them, the command
 * that reads them and the parser of its output.
 *
 * @param current the running generation
 * @param history every activation, oldest first (the image's generation 1 first)
 */
public record GenerationRecord(int current, List<Entry> history) {

    /** The directory of the record in the guest. */
    public static final String DIR = "/var/lib/hostspec/generations";
    /** The file holding the current generation's number. */
    public static final String CURRENT = DIR + "/current";
    /** The file holding one line per activation. */
    public static final String HISTORY = DIR + "/history";
    /** The kind of the history's first entry: the configuration the image was built from. */
    public static final String BOOT = "boot";

    private static final String SEPARATOR = "@hostspec-history";

    /**
     * One activation.
     *
     * @param number    the generation that became current
     * @param kind      {@value #BOOT}, switch or rollback
     * @param imageHash the image hash of that generation's recipe
     * @param at        when (UTC, ISO-8601), {@code -} for the image's own entry
     */
    public record Entry(int number, String kind, String imageHash, String at) {

        /** The entry as its history line, without the newline. */
        public String line() {
            return number + "\t" + kind + "\t" + imageHash + "\t" + at;
        }
    }

    /** A record; the history is copied. */
    public GenerationRecord {
        history = List.copyOf(history);
    }

    /** The entry of the last activation: the one that made {@link #current()} current. */
    public Entry last() {
        return history.get(history.size() - 1);
    }

    /**
     * The files every image holds: generation 1, booted from the image named {@code imageHash}.
     *
     * @param imageHash the image's recipe hash
     * @return guest path to content
     */
    public static Map<String, String> bootFiles(String imageHash) {
        Map<String, String> files = new TreeMap<>();
        files.put(CURRENT, "1\n");
        files.put(HISTORY, new Entry(1, BOOT, imageHash, "-").line() + "\n");
        return files;
    }

    /**
     * Shell that records an activation durably: appends the history line, replaces {@code current} atomically and
     * syncs, failing (under {@code set -e}) when the guest has no record to extend.
     *
     * @param number    the generation becoming current
     * @param kind      switch or rollback
     * @param imageHash its image hash
     * @return lines of shell
     */
    public static String renderActivation(int number, String kind, String imageHash) {
        return "test -f " + CURRENT + " || { echo 'no generation record at " + CURRENT + "' >&2; exit 3; }\n"
                + "printf '%s\\t%s\\t%s\\t%s\\n' " + number + " " + quote(kind) + " " + quote(imageHash)
                + " \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\" >> " + HISTORY + "\n"
                + "echo " + number + " > " + CURRENT + ".new && mv -f " + CURRENT + ".new " + CURRENT + "\n"
                + "sync\n";
    }

    /** The command whose output {@link #parse(int, String)} reads; it fails when {@code current} is missing. */
    public static String readCommand() {
        return "cat " + CURRENT + " && echo " + SEPARATOR + " && cat " + HISTORY;
    }

    /**
     * Parses the output of {@link #readCommand()}.
     *
     * @param exitCode the command's exit code
     * @param output   its output
     * @return the record
     * @throws IllegalArgumentException when there is no record or it is corrupt, saying what is wrong
     */
    public static GenerationRecord parse(int exitCode, String output) {
        if (exitCode != 0) {
            throw new IllegalArgumentException("the guest has no generation record (" + readCommand()
                    + " exited with " + exitCode + ": " + output.strip() + "); every image records generation 1 in "
                    + DIR + ", so the record was lost or the image predates it");
        }
        int split = output.indexOf(SEPARATOR);
        if (split < 0) {
            throw new IllegalArgumentException("the output of " + readCommand() + " lacks its separator: "
                    + output.strip());
        }
        String currentText = output.substring(0, split).strip();
        int current;
        try {
            current = Integer.parseInt(currentText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(CURRENT + " is corrupt: \"" + currentText + "\"");
        }
        List<Entry> history = new ArrayList<>();
        for (String line : output.substring(split + SEPARATOR.length()).strip().split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split("\t", -1);
            try {
                history.add(new Entry(Integer.parseInt(f[0].strip()), f[1], f[2], f.length > 3 ? f[3] : "-"));
            } catch (NumberFormatException | ArrayIndexOutOfBoundsException e) {
                throw new IllegalArgumentException(HISTORY + " has a corrupt line: \"" + line + "\"");
            }
        }
        if (history.isEmpty()) {
            throw new IllegalArgumentException(HISTORY + " is empty, but " + CURRENT + " says " + current);
        }
        GenerationRecord record = new GenerationRecord(current, history);
        if (record.last().number() != current) {
            throw new IllegalArgumentException(CURRENT + " says " + current + " but the last activation in "
                    + HISTORY + " made generation " + record.last().number() + " current");
        }
        return record;
    }

    private static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
