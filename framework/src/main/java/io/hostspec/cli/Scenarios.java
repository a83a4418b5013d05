package io.hostspec.cli;

import io.cucumber.tagexpressions.Expression;
import io.cucumber.tagexpressions.TagExpressionException;
import io.cucumber.tagexpressions.TagExpressionParser;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.support.descriptor.FilePosition;
import org.junit.platform.engine.support.descriptor.FileSource;
import org.junit.platform.engine.support.descriptor.UriSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The scenarios a discovery request selects, as the CI matrix, {@code run --shard} and {@code run --host} see them:
 * only those matching the request's {@code cucumber.filter.tags} (Cucumber itself discovers the others and skips them
 * when they run, which would put them into every shard and job), each with its feature file and line and the hosts it
 * declares ({@link FeatureIndex}). One discovery for all three, so that they always agree.
 */
final class Scenarios {

    /** The configuration parameter holding the tag expression. */
    static final String TAGS_PARAMETER = "cucumber.filter.tags";

    /**
     * A discovered scenario.
     *
     * @param id    its JUnit Platform unique id
     * @param key   its feature file and line ({@link #key})
     * @param hosts the hosts it declares, in order
     */
    record Scenario(String id, String key, List<String> hosts) {

        /** The host whose job runs this scenario ({@link HostJobs}). */
        String job() {
            return hosts.isEmpty() ? HostJobs.NO_HOST : hosts.get(0);
        }
    }

    private Scenarios() {
    }

    /**
     * Every scenario {@code request} selects and its tag expression admits.
     *
     * @throws IllegalArgumentException when the tag expression does not parse
     */
    static List<Scenario> discover(Launcher launcher, LauncherDiscoveryRequest request) {
        Expression tags = request.getConfigurationParameters().get(TAGS_PARAMETER).map(Scenarios::parseTags)
                .orElse(null);
        FeatureIndex index = new FeatureIndex();
        TestPlan plan = launcher.discover(request);
        List<Scenario> out = new ArrayList<>();
        for (TestIdentifier root : plan.getRoots()) {
            for (TestIdentifier t : plan.getDescendants(root)) {
                if (!t.isTest()) {
                    continue;
                }
                String key = key(t);
                FeatureIndex.Entry entry = index.entry(key);
                if (tags == null || tags.evaluate(entry.tags())) {
                    out.add(new Scenario(t.getUniqueId(), key, entry.hosts()));
                }
            }
        }
        return out;
    }

    /** A discovered scenario's feature file (absolute) and line: the scenario's, or its example row's. */
    static String key(TestIdentifier test) {
        TestSource source = test.getSource().orElse(null);
        if (source instanceof FileSource f) {
            return f.getFile().toPath().toAbsolutePath().normalize() + ":"
                    + f.getPosition().map(FilePosition::getLine).orElse(0);
        }
        if (source instanceof UriSource u && "file".equals(u.getUri().getScheme())) {
            String q = u.getUri().getQuery();
            String line = q != null && q.startsWith("line=") ? q.substring(5).split("&")[0] : "0";
            return Path.of(u.getUri().getPath()).toAbsolutePath().normalize() + ":" + line;
        }
        return test.getUniqueId();
    }

    private static Expression parseTags(String expression) {
        try {
            return TagExpressionParser.parse(expression);
        } catch (TagExpressionException e) {
            throw new IllegalArgumentException("--tags: " + e.getMessage(), e);
        }
    }
}
