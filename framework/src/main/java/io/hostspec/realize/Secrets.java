package io.hostspec.realize;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the rest of hostspec needs to know about a recipe's sops secrets: whether it has any, and where the guest
 * reads its age key. The unit that installs them is {@value #UNIT}.
 */
public final class Secrets {

    /** The unit that decrypts the secrets in the guest (after the age key is there). */
    public static final String UNIT = SopsRealizer.UNIT;

    private static final Pattern KEY_FILE = Pattern.compile("(?m)^ConditionPathExists=(\\S+)$");

    private Secrets() {
    }

    /** The guest path of the age key when the recipe has sops secrets; empty when it has none. */
    public static Optional<String> ageKeyFile(Recipe recipe) {
        Recipe.UnitEntry unit = recipe.units().get(UNIT);
        if (unit == null || unit.content() == null) {
            return Optional.empty();
        }
        Matcher m = KEY_FILE.matcher(unit.content());
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
