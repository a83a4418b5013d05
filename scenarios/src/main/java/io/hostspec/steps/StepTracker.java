package io.hostspec.steps;

import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.DocStringArgument;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.PickleStepTestStep;
import io.cucumber.plugin.event.TestStepStarted;

import java.net.URI;

/**
 * A Cucumber plugin that remembers, per thread, the feature file and line of the step being run, so that a docstring
 * module's definitions carry their real file:line. Concurrent listeners receive events on the thread that runs the
 * scenario, which makes a thread-local exact even when scenarios run in parallel.
 */
public final class StepTracker implements ConcurrentEventListener {

    private static final ThreadLocal<Current> CURRENT = new ThreadLocal<>();

    /**
     * The step being run.
     *
     * @param uri           the feature file
     * @param line          the step's line
     * @param docStringLine the line of the docstring's opening delimiter, or 0
     */
    public record Current(URI uri, int line, int docStringLine) {
    }

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        publisher.registerHandlerFor(TestStepStarted.class, event -> {
            if (event.getTestStep() instanceof PickleStepTestStep step) {
                int doc = step.getStep().getArgument() instanceof DocStringArgument d ? d.getLine() : 0;
                CURRENT.set(new Current(step.getUri(), step.getStep().getLine(), doc));
            }
        });
    }

    /** The step running on this thread, or null outside a scenario. */
    public static Current current() {
        return CURRENT.get();
    }
}
