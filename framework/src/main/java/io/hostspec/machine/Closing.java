package io.hostspec.machine;

import java.util.List;

/** Closing several resources where one failure must not leave the others open. */
public final class Closing {

    private Closing() {
    }

    /**
     * Runs every close action in the given order, even after one fails; then throws the first failure, later ones
     * attached as suppressed.
     *
     * @param actions the close actions, in the order to run them
     * @throws RuntimeException the first failure, if any
     */
    public static void all(List<? extends Runnable> actions) {
        RuntimeException first = null;
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
