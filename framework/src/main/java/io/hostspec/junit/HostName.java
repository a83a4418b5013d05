package io.hostspec.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the host a {@code Host} parameter or field receives, when its Java name is not the host's name (or parameter
 * names are not compiled in: without {@code javac -parameters} a parameter needs this unless only one host is
 * declared).
 */
@Target({ElementType.PARAMETER, ElementType.FIELD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface HostName {

    /** The declared host's name. */
    String value();
}
