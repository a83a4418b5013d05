package io.hostspec.container;

import org.junit.jupiter.api.Assumptions;

/**
 * The Docker engine for the container tests. Without one, a developer's {@code mvn verify} skips them with the reason
 * and how to get an engine; under CI ({@code CI=true}, where {@code .ci/setup-host} starts the engine) a missing
 * engine fails them, so CI cannot pass without testing the container backend.
 */
final class EngineForTests {

    private EngineForTests() {
    }

    /** The engine, or a skip (outside CI) / the engine's own error (in CI) when none answers. */
    static ContainerEngine require() {
        try {
            return ContainerEngine.get();
        } catch (IllegalStateException e) {
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw e;
            }
            Assumptions.abort("skipped, no Docker engine: " + e.getMessage());
            throw e; // not reached
        }
    }
}
