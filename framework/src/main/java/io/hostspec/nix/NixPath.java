package io.hostspec.nix;

/**
 * A Nix path value: an absolute, normalized file name.
 *
 * @param path the absolute path, e.g. {@code /work/project/vm-images/hosts/xoa.nix}
 */
public record NixPath(String path) implements Comparable<NixPath> {

    @Override
    public int compareTo(NixPath o) {
        return path.compareTo(o.path);
    }

    @Override
    public String toString() {
        return path;
    }
}
