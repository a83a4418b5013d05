package io.hostspec.image.internal;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class LayerKeysTest {

    private static final List<String> BASE = List.of("systemd", "udev", "linux-image-cloud-amd64");

    private static MmdebstrapCommand base(String suite, String mirror, Path out, String... packages) {
        return new MmdebstrapCommand(suite, "apt", new TreeSet<>(List.of(packages)), mirror, out);
    }

    private static SortedSet<String> set(String... packages) {
        return new TreeSet<>(List.of(packages));
    }

    @Test
    void theBaseKeyFollowsContentNotWhereItIsWrittenOrFetchedFrom() {
        String key = LayerKeys.base(base("bookworm", null, Path.of("/a.tar"), "systemd", "udev"));
        assertEquals(key, LayerKeys.base(base("bookworm", "http://deb.example/debian", Path.of("/b/rootfs.tar"),
                "udev", "systemd")));
        assertEquals(key, LayerKeys.base(base("bookworm", null, Path.of("/a.tar"), "systemd", "udev")
                .withArchive(Path.of("/cache/apt"), Path.of("/tmp/out")).withListsOut(Path.of("/l.tar"))));
        assertNotEquals(key, LayerKeys.base(base("trixie", null, Path.of("/a.tar"), "systemd", "udev")));
        assertNotEquals(key, LayerKeys.base(base("bookworm", null, Path.of("/a.tar"), "systemd", "udev", "curl")));
    }

    @Test
    void theBaseHooksThatShapeTheGuestArePartOfTheBaseKey() {
        MmdebstrapCommand cmd = base("bookworm", null, Path.of("/a.tar"), "systemd");
        assertEquals(64, LayerKeys.base(cmd).length());
        org.junit.jupiter.api.Assertions.assertTrue(cmd.contentKey().contains(GuestBoot.SETUP_HOOK));
        org.junit.jupiter.api.Assertions.assertTrue(cmd.contentKey().contains(GuestBoot.CUSTOMIZE_HOOK));
    }

    @Test
    void extrasAreThePackagesTheBaseLacksSorted() {
        assertEquals(List.of("jq", "tmux"), List.copyOf(LayerKeys.extras(BASE, List.of("tmux", "systemd", "jq"))));
        assertEquals(List.of(), List.copyOf(LayerKeys.extras(BASE, List.of("udev"))));
    }

    @Test
    void aHostWithoutExtraPackagesUsesTheBaseItself() {
        assertEquals("b4se", LayerKeys.layer("b4se", set()));
    }

    @Test
    void theLayerKeyChangesWithThePackageSetAndTheBaseButNotWithOrder() {
        String key = LayerKeys.layer("b4se", set("tmux", "jq"));
        assertEquals(key, LayerKeys.layer("b4se", LayerKeys.extras(BASE, List.of("jq", "tmux", "systemd"))));
        assertNotEquals(key, LayerKeys.layer("b4se", set("tmux", "jq", "rsync")), "a package added");
        assertNotEquals(key, LayerKeys.layer("b4se", set("tmux")), "a package removed");
        assertNotEquals(key, LayerKeys.layer("other", set("tmux", "jq")), "a rebuilt base");
        assertNotEquals(key, "b4se");
        // "a,b" + "c" and "a" + "b,c" are different package sets: names cannot smuggle commas in
        assertNotEquals(LayerKeys.layer("b4se", set("jq")), LayerKeys.layer("b4se", set("jq", "tmux")));
    }
}
