package io.hostspec.module;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown when modules cannot be loaded or evaluated. It carries every problem found, not just the first, so that a
 * user fixes a host in one round; all of them are found before any image is built.
 */
public final class ConfigException extends RuntimeException {

    private final transient List<ConfigError> errors;

    /** An exception carrying the given errors (at least one). */
    public ConfigException(List<ConfigError> errors) {
        super(render(errors));
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one error");
        }
        this.errors = List.copyOf(errors);
    }

    /** An exception carrying one error. */
    public ConfigException(ConfigError error) {
        this(List.of(error));
    }

    /** Every problem found, in the order found; never empty. */
    public List<ConfigError> errors() {
        return errors;
    }

    private static String render(List<ConfigError> errors) {
        if (errors.size() == 1) {
            return errors.get(0).message();
        }
        return errors.size() + " configuration errors:\n" + errors.stream()
                .map(e -> "* " + e.message().replace("\n", "\n  "))
                .collect(Collectors.joining("\n"));
    }
}
