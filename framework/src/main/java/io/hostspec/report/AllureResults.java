package io.hostspec.report;

import io.qameta.allure.Allure;
import io.qameta.allure.AllureLifecycle;
import io.qameta.allure.FileSystemResultsWriter;

import java.nio.file.Path;

/**
 * Points Allure at one results folder for the length of a run. Allure keeps one lifecycle per JVM and fixes its
 * folder when it is first used, so a run started inside a JVM that already reported (the JUnit extension under
 * {@code mvn verify}, a second {@code run} in the same process) would otherwise write its results to the earlier
 * folder. The previous lifecycle comes back on {@link #close()}.
 */
public final class AllureResults implements AutoCloseable {

    private final AllureLifecycle previous;
    private final AllureLifecycle lifecycle;

    private AllureResults(Path folder) {
        previous = Allure.getLifecycle();
        lifecycle = new AllureLifecycle(new FileSystemResultsWriter(folder));
        Allure.setLifecycle(lifecycle);
    }

    /** From now until {@link #close()}, Allure results (Cucumber's and the steps' attachments) go to {@code folder}. */
    public static AllureResults writeTo(Path folder) {
        return new AllureResults(folder);
    }

    public AllureLifecycle lifecycle() {
        return lifecycle;
    }

    @Override
    public void close() {
        Allure.setLifecycle(previous);
    }
}
