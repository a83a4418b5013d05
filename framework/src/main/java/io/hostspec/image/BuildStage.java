package io.hostspec.image;

/** The stages of an image build, in order, as reported to a {@link BuildListener} and the log. */
public enum BuildStage {
    /** The recipe's image was already in the cache. */
    CACHE_HIT("cache hit"),
    /** The common base every image shares (mmdebstrap, once per machine), or its reuse from the cache. */
    BASE_LAYER("base layer"),
    /** The recipe's own packages installed with apt on the common base, or the layer's reuse from the cache. */
    PACKAGE_LAYER("package layer"),
    /** An unpacked copy of the layer gets the recipe's accounts, files and units. */
    APPLY_RECIPE("apply recipe"),
    /** The root file system becomes an ext4 image. */
    EXT4("ext4"),
    /** The ext4 image becomes the qcow2 base disk; kernel and initrd are taken out. */
    QCOW2("qcow2");

    private final String label;

    BuildStage(String label) {
        this.label = label;
    }

    /** The human-readable name used in logs and reports, e.g. {@code "base layer"}. */
    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
