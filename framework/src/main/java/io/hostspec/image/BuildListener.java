package io.hostspec.image;

import java.time.Duration;

/**
 * Observes an image build, e.g. to draw the run timeline or show the stage being built on the console. Called on the
 * building thread when a stage begins and once it finished (a stage that fails is not reported finished); it must not
 * throw.
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

    /**
     * A stage begins (not called for {@link BuildStage#CACHE_HIT}, which is only reported finished).
     *
     * @param host  the host whose image is built
     * @param stage the stage that begins
     */
    default void stageStarted(String host, BuildStage stage) {
    }

    /**
     * A listener that tells this one first, then {@code next}.
     *
     * @param next the listener told second
     * @return both, in order
     */
    default BuildListener andThen(BuildListener next) {
        BuildListener first = this;
        return new BuildListener() {
            @Override
            public void stageStarted(String host, BuildStage stage) {
                first.stageStarted(host, stage);
                next.stageStarted(host, stage);
            }

            @Override
            public void stageFinished(String host, BuildStage stage, Duration elapsed) {
                first.stageFinished(host, stage, elapsed);
                next.stageFinished(host, stage, elapsed);
            }
        };
    }
}
