package io.hostspec.steps;

import io.cucumber.plugin.ConcurrentEventListener;
import io.cucumber.plugin.event.EventPublisher;
import io.cucumber.plugin.event.PickleStepTestStep;
import io.cucumber.plugin.event.TestCaseStarted;
import io.cucumber.plugin.event.TestStepFinished;
import io.hostspec.report.AllureTrail;

/**
 * A Cucumber plugin mirroring the framework's evidence into Allure ({@link AllureTrail}): every section closed while a
 * Gherkin step ran becomes a nested, timed Allure step under it, and every guest command an attachment under the
 * innermost section of its host. List it before Allure's plugin in {@code cucumber.plugin}: it adds to the Gherkin
 * step before Allure's plugin closes it.
 */
public final class AllureEvidence implements ConcurrentEventListener {

    @Override
    public void setEventPublisher(EventPublisher publisher) {
        AllureTrail.install();
        publisher.registerHandlerFor(TestCaseStarted.class, e -> AllureTrail.begin());
        publisher.registerHandlerFor(TestStepFinished.class, e -> {
            if (e.getTestStep() instanceof PickleStepTestStep) {
                AllureTrail.attachToCurrent();
            } else {
                AllureTrail.discard(); // hooks' own commands (closing the lab, collecting evidence) are not the story
            }
        });
    }
}
