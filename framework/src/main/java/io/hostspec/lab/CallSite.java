package io.hostspec.lab;

import io.hostspec.module.Provenance;

import java.util.Optional;

/**
 * Where Java code outside hostspec called into it: the file:line a module written inline in a JUnit test carries, so
 * that a conflict names the test's source line as a docstring's definitions name the feature file's.
 */
public final class CallSite {

    private CallSite() {
    }

    private static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);

    /**
     * The first frame of the calling thread outside hostspec's own code (the classes loaded from where this class is:
     * the framework's jar or classes folder), as {@code path/of/package/File.java:line} (the source path under its
     * source root), or {@code <java>} when there is none.
     */
    public static Provenance caller() {
        Object ours = CallSite.class.getProtectionDomain().getCodeSource();
        Optional<StackWalker.StackFrame> frame = WALKER.walk(s -> s
                .filter(f -> !java.util.Objects.equals(f.getDeclaringClass().getProtectionDomain().getCodeSource(),
                        ours))
                .findFirst());
        return frame.map(f -> {
            String cls = f.getClassName();
            String dir = cls.contains(".") ? cls.substring(0, cls.lastIndexOf('.')).replace('.', '/') + "/" : "";
            return new Provenance(dir + (f.getFileName() == null ? cls + ".java" : f.getFileName()),
                    Math.max(0, f.getLineNumber()));
        }).orElse(new Provenance("<java>", 0));
    }
}
