package io.hostspec.image;

/**
 * Building the image of a host failed. The message always names the host and the build stage; subclasses add the
 * evidence of the specific failure.
 */
public class ImageBuildException extends RuntimeException {

    private final String host;
    private final String stage;

    /**
     * @param host    the host whose image was being built
     * @param stage   the build stage that failed, e.g. {@code "base layer"}
     * @param message what went wrong
     */
    public ImageBuildException(String host, String stage, String message) {
        this(host, stage, message, null);
    }

    /**
     * @param host    the host whose image was being built
     * @param stage   the build stage that failed
     * @param message what went wrong
     * @param cause   the underlying failure, may be null
     */
    public ImageBuildException(String host, String stage, String message, Throwable cause) {
        super("Image of host '" + host + "' failed at stage '" + stage + "': " + message, cause);
        this.host = host;
        this.stage = stage;
    }

    /** The host whose image was being built. */
    public String host() {
        return host;
    }

    /** The build stage that failed. */
    public String stage() {
        return stage;
    }
}
