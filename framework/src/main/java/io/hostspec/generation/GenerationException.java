package io.hostspec.generation;

/**
 * A switch or rollback that could not be carried out, or whose units failed. Carries the evidence: the host, the
 * generations involved, the activation output, and for failed units their journal, through {@link #result()} when the
 * activation ran.
 */
public final class GenerationException extends RuntimeException {

    private final transient SwitchResult result;

    /**
     * @param message what went wrong, with the evidence
     * @param result  the activation's result, or null when nothing was activated
     */
    public GenerationException(String message, SwitchResult result) {
        super(message);
        this.result = result;
    }

    /** The activation's result (with the failed units), or null when the guest was not changed. */
    public SwitchResult result() {
        return result;
    }
}
