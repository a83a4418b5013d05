package io.hostspec.junit;

import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A JUnit Jupiter test class whose tests run against hostspec hosts: the hosts it declares (a {@link TestHosts}
 * field, or {@link TestHost} annotations) are evaluated, built, booted, injected ({@code Host xoa} as a parameter or
 * field) and stopped by {@link HostspecExtension}. A {@code static} {@link TestHosts} field gives one lab shared by
 * the class's tests; an instance field or {@link TestHost} annotations give each test a fresh lab (see
 * docs/java-api.md).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(HostspecExtension.class)
public @interface HostspecTest {

    /**
     * Whether every declared host is booted together, in parallel, when the lab is created (before the first test of
     * a shared lab, before each test otherwise). By default hosts boot lazily: when a test asks for one.
     */
    boolean startAll() default false;
}
