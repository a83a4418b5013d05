package io.hostspec.image.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads apt's complaints about package names out of the standard error of mmdebstrap. */
public final class AptErrors {

    private static final List<Pattern> MISSING = List.of(
            Pattern.compile("^E: Unable to locate package (\\S+)\\s*$", Pattern.MULTILINE),
            Pattern.compile("^E: Package '([^']+)' has no installation candidate\\s*$", Pattern.MULTILINE),
            Pattern.compile("^E: Couldn't find any package by (?:glob|regex) '([^']+)'\\s*$", Pattern.MULTILINE));

    private AptErrors() {
    }

    /**
     * The package names apt could not find, in the order it reported them, without duplicates.
     *
     * @param stderr the standard error of mmdebstrap (or apt-get)
     * @return the missing package names, empty when apt did not complain about names
     */
    public static List<String> missingPackages(String stderr) {
        Set<String> found = new LinkedHashSet<>();
        for (Pattern p : MISSING) {
            Matcher m = p.matcher(stderr);
            while (m.find()) {
                found.add(m.group(1));
            }
        }
        return List.copyOf(found);
    }
}
