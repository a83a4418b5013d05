package io.hostspec.module;

import java.util.List;

/**
 * One problem found while loading or evaluating modules. The message is complete on its own: it names the option, every
 * definition involved with its file:line, and how to resolve the problem.
 *
 * @param kind    what went wrong, for tests and reports
 * @param message the full message a user acts on
 * @param where   the definitions or declarations involved
 */
public record ConfigError(Kind kind, String message, List<Provenance> where) {

    /** The kinds of configuration errors. */
    public enum Kind {
        /** A TOML syntax error or a malformed module (bad block key, bad priority...). */
        SYNTAX,
        /** An import names a module that does not exist. */
        MISSING_MODULE,
        /** A definition names an option nobody declared. */
        UNDECLARED,
        /** A value does not have the option's type. */
        TYPE,
        /** Several definitions at the same priority disagree. */
        CONFLICT,
        /** An option is read but has neither a definition nor a default. */
        UNDEFINED,
        /** Options refer to each other in a cycle. */
        CYCLE,
        /** A definition of an option NixOS has but hostspec does not realize (docs/nix.md). */
        UNREALIZED,
        /** Two modules declare the same option. */
        DUPLICATE_DECLARATION,
        /**
         * The configuration evaluates but cannot be realized, like a failed NixOS assertion (a user in a group nobody
         * declares, a TLS virtual host without a certificate).
         */
        ASSERTION
    }

    @Override
    public String toString() {
        return message;
    }
}
