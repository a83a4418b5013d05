package io.hostspec.image;

import java.time.Duration;

/**
 * Observes an image build, e.g. to draw the run timeline or mirror stages as report steps. Called on the building
 * thread once per finished stage; it must not throw.
 */
@FunctionalInterface
public interface BuildListener {

    /** A listener that ignores everything. */
    BuildListener NONE = (host, stage, elapsed) -> { };

    /**
     * A stage finished.
     *
     * @param host    the host whose image is built
     * @param stage   the stage that finished
     * @param elapsed how long it took
     */
    void stageFinished(String host, BuildStage stage, Duration elapsed);
}
