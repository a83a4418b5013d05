package io.hostspec.module;

import java.util.List;

/**
 * An option type: checks definition values and merges the definitions that survive priority filtering, with the
 * semantics of the NixOS module system. Instances come from {@link Types}.
 */
public interface Type {

    /** The type as written in a module, e.g. {@code listOf port}. */
    String name();

    /** What a value of this type looks like, for error messages, e.g. "a port (an integer from 0 to 65535)". */
    String expected();

    /**
     * Checks a value and returns it normalized (integers as {@code Long}, lists as unmodifiable lists).
     *
     * @throws TypeMismatch when the value does not have this type
     */
    Object check(Object value);

    /**
     * Merges definitions that all have the winning priority, in module order.
     *
     * @param option the concrete option path, for messages
     * @param defs   at least one definition, values already checked
     * @throws ConfigException on conflicting values
     */
    Object merge(String option, List<Valued> defs);

    /**
     * A checked definition value on its way into a merge.
     *
     * @param value         the checked value
     * @param where         where it was defined
     * @param order         list order: 500 before, 1000 default, 1500 after
     * @param innerPriority for attribute sets: the priority of each key (100 unless the definition named the key)
     */
    record Valued(Object value, Provenance where, int order, int innerPriority) {
    }

    /** Thrown by {@link #check(Object)}; the message says what was expected and what was found. */
    final class TypeMismatch extends RuntimeException {
        /** A mismatch with a complete description. */
        public TypeMismatch(String message) {
            super(message);
        }
    }
}
