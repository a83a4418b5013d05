package io.hostspec.cli;

import io.cucumber.gherkin.GherkinParser;
import io.cucumber.messages.types.Envelope;
import io.cucumber.messages.types.Feature;
import io.cucumber.messages.types.FeatureChild;
import io.cucumber.messages.types.Pickle;
import io.cucumber.messages.types.PickleStep;
import io.cucumber.messages.types.PickleTag;
import io.cucumber.messages.types.RuleChild;
import io.cucumber.messages.types.Scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the CI matrix needs to know of each scenario of a feature file: its tags (the feature's, the scenario's and its
 * example table's, as Cucumber filters them) and the hosts it declares, in the order it declares them: Background
 * steps first, then the scenario's own steps, with a Scenario Outline's placeholders filled in from its example row.
 * Read with the Gherkin parser Cucumber itself uses (its "pickles" are exactly the scenarios Cucumber runs). A host is
 * declared by the steps {@code a host "NAME"}, {@code a host "NAME" with the modules ...}, {@code the host "NAME"
 * from ...} and {@code the host "NAME" is configured with:}. Not thread-safe: one instance per command.
 */
final class FeatureIndex {

    /**
     * One scenario as the index knows it.
     *
     * @param hosts the hosts it declares, in order, each once
     * @param tags  its tags, with their {@code @}
     */
    record Entry(List<String> hosts, List<String> tags) {
    }

    private static final Pattern DECLARATION = Pattern.compile("^(?:a|the) host \"([^\"]+)\"");

    private final Map<Path, Map<Integer, Entry>> byFile = new HashMap<>();

    /**
     * The scenario at {@code file:line} (the scenario's line, or an outline example's row), as
     * {@link Scenarios#key} writes it.
     *
     * @throws IllegalArgumentException when the key names no feature file on disk
     * @throws IllegalStateException    when the file has no scenario at that line
     */
    Entry entry(String scenarioKey) {
        int colon = scenarioKey.lastIndexOf(':');
        if (colon < 0 || !scenarioKey.startsWith("/")) {
            throw new IllegalArgumentException("the CI matrix reads feature files on disk; " + scenarioKey
                    + " is not one");
        }
        Path file = Path.of(scenarioKey.substring(0, colon));
        int line = Integer.parseInt(scenarioKey.substring(colon + 1));
        Entry found = byFile.computeIfAbsent(file, FeatureIndex::parse).get(line);
        if (found == null) {
            throw new IllegalStateException("the Gherkin parser finds no scenario at " + scenarioKey
                    + ", where Cucumber discovered one");
        }
        return found;
    }

    /** Per scenario line (or example row line): the hosts its steps declare, in order, each once, and its tags. */
    static Map<Integer, Entry> parse(Path feature) {
        GherkinParser parser = GherkinParser.builder().includeSource(false).includeGherkinDocument(true)
                .includePickles(true).build();
        Map<String, Integer> lineOf = new HashMap<>();
        List<Pickle> pickles = new ArrayList<>();
        try (var envelopes = parser.parse(feature)) {
            envelopes.forEach((Envelope e) -> {
                e.getGherkinDocument().flatMap(d -> d.getFeature()).ifPresent(f -> lines(f, lineOf));
                e.getPickle().ifPresent(pickles::add);
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + feature, e);
        }
        Map<Integer, Entry> out = new HashMap<>();
        for (Pickle pickle : pickles) {
            List<String> ids = pickle.getAstNodeIds();
            Integer line = lineOf.get(ids.get(ids.size() - 1));
            if (line != null) {
                out.put(line, new Entry(declared(pickle.getSteps()),
                        pickle.getTags().stream().map(PickleTag::getName).toList()));
            }
        }
        return out;
    }

    /** The hosts a list of steps declares, in order, each once. */
    static List<String> declared(List<PickleStep> steps) {
        Set<String> hosts = new LinkedHashSet<>();
        for (PickleStep step : steps) {
            Matcher m = DECLARATION.matcher(step.getText());
            if (m.find()) {
                hosts.add(m.group(1));
            }
        }
        return List.copyOf(hosts);
    }

    private static void lines(Feature feature, Map<String, Integer> lineOf) {
        for (FeatureChild child : feature.getChildren()) {
            child.getScenario().ifPresent(s -> lines(s, lineOf));
            child.getRule().ifPresent(r -> r.getChildren().stream().map(RuleChild::getScenario)
                    .flatMap(java.util.Optional::stream).forEach(s -> lines(s, lineOf)));
        }
    }

    private static void lines(Scenario scenario, Map<String, Integer> lineOf) {
        lineOf.put(scenario.getId(), scenario.getLocation().getLine().intValue());
        scenario.getExamples().forEach(examples -> examples.getTableBody().forEach(row ->
                lineOf.put(row.getId(), row.getLocation().getLine().intValue())));
    }
}
