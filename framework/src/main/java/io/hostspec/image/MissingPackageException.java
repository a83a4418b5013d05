package io.hostspec.image;

import java.util.List;

/**
 * A Debian package named by the recipe does not exist in the configured suite (apt: "Unable to locate package" or
 * "has no installation candidate"). The message names every such package and the host.
 */
public class MissingPackageException extends ToolFailedException {

    private final List<String> packages;

    /**
     * @param host       the host whose recipe names the packages
     * @param packages   the package names apt could not find
     * @param command    the mmdebstrap command line
     * @param exitCode   its exit status
     * @param stderrTail the tail of its standard error
     */
    public MissingPackageException(String host, List<String> packages, List<String> command, int exitCode,
                                   String stderrTail) {
        super(host, "base layer", command, exitCode, stderrTail);
        this.packages = List.copyOf(packages);
    }

    @Override
    public String getMessage() {
        return "Image of host '" + host() + "': no such Debian package " + String.join(", ", packages)
                + " (apt cannot locate it in bookworm; check environment.systemPackages and the services that pull it in)\n"
                + super.getMessage();
    }

    /** The package names apt could not find. */
    public List<String> packages() {
        return packages;
    }
}
