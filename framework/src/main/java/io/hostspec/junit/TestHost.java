package io.hostspec.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares a host of a {@link HostspecTest} class (on the class: for every test) or of one test method (on the
 * method: in addition, for that test). Each test gets a fresh lab of these hosts. The same as
 * {@link HostDeclaration}, written as an annotation.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Repeatable(TestHost.List.class)
public @interface TestHost {

    /** The host's name in the lab (its {@code networking.hostName} unless a module says otherwise). */
    String name();

    /** Modules or host files it is composed from, in order: {@code "hosts/xoa"}, {@code "core/base"}, a .nix path. */
    String[] from() default {};

    /** A module written inline in TOML, added after {@link #from()}; empty for none. */
    String toml() default "";

    /** A module written inline in Nix, added after {@link #toml()}; empty for none. */
    String nix() default "";

    /** The backend ({@code vm} or {@code container}) when the host chooses one; empty for the run's. */
    String backend() default "";

    /** Several {@link TestHost} declarations. */
    @Target({ElementType.TYPE, ElementType.METHOD})
    @Retention(RetentionPolicy.RUNTIME)
    @Documented
    @interface List {
        /** The declarations, in order. */
        TestHost[] value();
    }
}
