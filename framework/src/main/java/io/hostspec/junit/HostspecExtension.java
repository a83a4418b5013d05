package io.hostspec.junit;

import io.hostspec.host.Hosts;
import io.hostspec.host.Project;
import io.hostspec.host.ScenarioHosts;
import io.hostspec.image.ImageBuilder;
import io.hostspec.lab.Host;
import io.hostspec.lab.ScenarioLab;
import io.hostspec.report.AllureTrail;
import io.hostspec.report.ConsoleProgress;
import io.hostspec.report.Timeline;
import io.qameta.allure.Allure;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The JUnit Jupiter extension behind {@link HostspecTest}: gives a test class a {@link ScenarioLab} of its declared
 * hosts, the same lab the Gherkin steps drive (warm starts, coverage, the governor's boot slots and memory budget).
 *
 * <p>Lifecycle, as testcontainers does it: hosts of a {@code static} {@link TestHosts} field share one lab per class,
 * created before the first test and stopped after the last; hosts of an instance {@link TestHosts} field or of
 * {@link TestHost} annotations get a fresh lab per test, stopped after it. A host boots when a test first asks for it
 * (a parameter or field of type {@link Host}, or {@link ScenarioLab#host}), or all together when
 * {@link HostspecTest#startAll()} is set. After each test, the commands and timed sections it caused are added to its
 * Allure result with the serial console of every started host and, when it failed, {@code systemctl --failed} and the
 * journal of each failed unit. The lab is closed by JUnit's store (also when a callback fails), so its machines never
 * outlive their test or class.
 *
 * <p>Injected: parameters of type {@link Host} (by {@link HostName}, the parameter's name, or the only declared host),
 * {@link ScenarioLab} and {@link ScenarioHosts}; instance fields of type {@link Host} (by {@link HostName} or the field's
 * name) and {@link ScenarioLab}, before each test.
 */
public final class HostspecExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(
            HostspecExtension.class);
    private static final String LAB = "lab";

    /** One evaluation cache and one image builder per JVM, as the Cucumber path has. */
    private static final class Shared {
        static final Hosts HOSTS = new Hosts(Project.current());
        static final ImageBuilder IMAGES = ImageBuilder.create()
                .withListener(Timeline.current().andThen(ConsoleProgress.builds()));
    }

    /** Created by JUnit through {@link HostspecTest} or {@code @ExtendWith}. */
    public HostspecExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Class<?> type = context.getRequiredTestClass();
        List<HostDeclaration> shared = fieldDeclarations(type, null);
        if (shared.isEmpty()) {
            return;
        }
        if (!annotations(type).isEmpty()) {
            throw new ExtensionConfigurationException(type.getName() + " declares hosts both in a static TestHosts "
                    + "field (one lab for the class) and with @TestHost (a lab per test); choose one");
        }
        open(context, shared);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IllegalAccessException {
        AllureTrail.begin();
        Object instance = context.getRequiredTestInstance();
        List<HostDeclaration> own = new ArrayList<>(annotations(context.getRequiredTestClass()));
        own.addAll(annotations(context.getRequiredTestMethod()));
        own.addAll(fieldDeclarations(instance.getClass(), instance));
        if (!own.isEmpty()) {
            if (lab(context).isPresent()) {
                throw new ExtensionConfigurationException(context.getDisplayName() + " declares hosts of its own, "
                        + "but its class shares a lab (a static TestHosts field); declare them there");
            }
            open(context, own);
        }
        ScenarioLab lab = lab(context).orElseThrow(() -> new ExtensionConfigurationException(
                context.getRequiredTestClass().getName() + " declares no host; add a TestHosts field, e.g. "
                        + "static final TestHosts HOSTS = TestHosts.of(HostDeclaration.host(\"xoa\").from(\"hosts/xoa\"))"
                        + ", or @TestHost(name = \"xoa\", from = \"hosts/xoa\")"));
        for (Class<?> c = instance.getClass(); c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers())) {
                    continue;
                }
                if (f.getType() == Host.class) {
                    f.setAccessible(true);
                    f.set(instance, lab.host(name(f, f.getName())));
                } else if (f.getType() == ScenarioLab.class) {
                    f.setAccessible(true);
                    f.set(instance, lab);
                }
            }
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        AllureTrail.attachToCurrent();
        boolean failed = context.getExecutionException().isPresent();
        if (Allure.getLifecycle().getCurrentTestCaseOrStep().isEmpty()) {
            return; // no Allure listener (allure-junit5) on this run: the failure message carries the evidence
        }
        lab(context).ifPresent(lab -> lab.evidence(failed).forEach((name, text) -> Allure.addAttachment(name,
                "text/plain", text, ".txt")));
        // a lab of this test is closed by the store right after, whatever happened
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Host.class || type == ScenarioLab.class || type == ScenarioHosts.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ScenarioLab lab = lab(context).orElseThrow(() -> new ParameterResolutionException("no hosts are declared "
                + "for " + context.getDisplayName() + " (a static TestHosts field gives @BeforeAll methods a lab)"));
        Class<?> type = parameter.getParameter().getType();
        if (type == ScenarioLab.class) {
            return lab;
        }
        if (type == ScenarioHosts.class) {
            return lab.declarations();
        }
        String javaName = parameter.getParameter().isNamePresent() ? parameter.getParameter().getName() : null;
        return lab.host(hostName(parameter.getParameter(), javaName, lab));
    }

    private static String hostName(AnnotatedElement element, String javaName, ScenarioLab lab) {
        HostName named = element.getAnnotation(HostName.class);
        if (named != null) {
            return named.value();
        }
        var declared = lab.declarations().names();
        if (javaName != null && declared.contains(javaName)) {
            return javaName;
        }
        if (declared.size() == 1) {
            return declared.iterator().next();
        }
        throw new ParameterResolutionException("which host is " + (javaName == null ? "this parameter" : "\""
                + javaName + "\"") + "? Declared: " + declared + "; name it with @HostName(\"...\")"
                + (javaName == null ? " (or compile with javac -parameters)" : ""));
    }

    private static String name(Field f, String javaName) {
        HostName named = f.getAnnotation(HostName.class);
        return named != null ? named.value() : javaName;
    }

    private static void open(ExtensionContext context, List<HostDeclaration> hosts) {
        ScenarioLab lab = new ScenarioLab(Shared.HOSTS, Shared.IMAGES);
        // the store closes it (AutoCloseable) when this context ends: after the test, or after the class
        context.getStore(NAMESPACE).put(LAB, lab);
        for (HostDeclaration h : hosts) {
            h.declareIn(lab.declarations());
        }
        boolean startAll = context.getTestClass().map(c -> c.getAnnotation(HostspecTest.class))
                .map(HostspecTest::startAll).orElse(false);
        if (startAll) {
            lab.startAll();
        }
    }

    private static Optional<ScenarioLab> lab(ExtensionContext context) {
        return Optional.ofNullable(context.getStore(NAMESPACE).get(LAB, ScenarioLab.class));
    }

    private static List<HostDeclaration> annotations(AnnotatedElement element) {
        List<HostDeclaration> out = new ArrayList<>();
        Class<?> declaredOn = element instanceof Class<?> c ? c
                : ((java.lang.reflect.Method) element).getDeclaringClass();
        for (TestHost a : element.getAnnotationsByType(TestHost.class)) {
            out.add(HostDeclaration.of(a, declaredOn));
        }
        return out;
    }

    /** The hosts of the static (instance == null) or instance {@link TestHosts} fields of a class and its parents. */
    private static List<HostDeclaration> fieldDeclarations(Class<?> type, Object instance) {
        List<HostDeclaration> out = new ArrayList<>();
        List<Class<?>> lineage = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            lineage.add(0, c);
        }
        for (Class<?> c : lineage) {
            for (Field f : c.getDeclaredFields()) {
                if (f.getType() != TestHosts.class || Modifier.isStatic(f.getModifiers()) != (instance == null)) {
                    continue;
                }
                try {
                    f.setAccessible(true);
                    TestHosts hosts = (TestHosts) f.get(instance);
                    if (hosts == null) {
                        throw new ExtensionConfigurationException("the TestHosts field " + c.getName() + "."
                                + f.getName() + " is null; give it a value, e.g. TestHosts.of(...)");
                    }
                    out.addAll(hosts.hosts());
                } catch (IllegalAccessException e) {
                    throw new ExtensionConfigurationException("cannot read " + c.getName() + "." + f.getName(), e);
                }
            }
        }
        return out;
    }
}
