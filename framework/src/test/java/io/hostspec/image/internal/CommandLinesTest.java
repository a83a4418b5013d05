package io.hostspec.image.internal;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CommandLinesTest {

    @Test
    void mmdebstrapIncludesSortedPackagesAndTheInitramfsHook() {
        List<String> argv = new MmdebstrapCommand("bookworm", "apt", new TreeSet<>(List.of("redis-server", "curl")),
                null, Path.of("/c/rootfs.tar")).argv();
        assertEquals("mmdebstrap", argv.get(0));
        assertTrue(argv.contains("--include=curl,redis-server"), argv.toString());
        assertTrue(argv.contains("--variant=apt"));
        assertTrue(argv.stream().anyMatch(a -> a.startsWith("--setup-hook=") && a.contains("MODULES=list")
                && a.contains("virtio_blk")));
        assertEquals(List.of("bookworm", "/c/rootfs.tar"), argv.subList(argv.size() - 2, argv.size()));
        assertTrue(argv.stream().noneMatch(a -> a.contains("apt/archives")), "no archive unless asked: " + argv);
    }

    @Test
    void theArchiveIsLinkedInAndTheDownloadsAndListsAreSavedOut() {
        List<String> argv = new MmdebstrapCommand("bookworm", "apt", new TreeSet<>(List.of("curl")), null,
                Path.of("/c/rootfs.tar")).withArchive(Path.of("/c/apt/archives"), Path.of("/c/tmp/debs"))
                .withListsOut(Path.of("/c/apt-lists.tar")).argv();
        assertTrue(argv.contains("--skip=essential/unlink"), "essential packages stay for the archive: " + argv);
        assertTrue(argv.stream().anyMatch(a -> a.startsWith("--setup-hook=") && a.contains("'/c/apt/archives'/.")));
        assertTrue(argv.stream().anyMatch(a -> a.startsWith("--customize-hook=") && a.contains("'/c/tmp/debs'/")));
        assertTrue(argv.stream().anyMatch(a -> a.startsWith("--customize-hook=tar") && a.contains("'/c/apt-lists.tar'")));
        assertEquals(List.of("bookworm", "/c/rootfs.tar"), argv.subList(argv.size() - 2, argv.size()));
    }

    @Test
    void aPackageLayerRunsInItsOwnMountNamespaceWithoutStartingServices() {
        List<String> argv = new PackageInstall(Path.of("/s/rootfs"), Path.of("/c/apt-lists.tar"),
                new TreeSet<>(List.of("tmux", "jq"))).argv();
        assertEquals(List.of("unshare", "--mount", "--propagation", "private", "--fork"), argv.subList(0, 5));
        assertEquals(List.of("/s/rootfs", "/c/apt-lists.tar", "jq", "tmux"), argv.subList(argv.size() - 4, argv.size()));
        assertTrue(PackageInstall.SCRIPT.contains("exit 101"), "policy-rc.d denies service starts");
        assertTrue(PackageInstall.SCRIPT.contains("update_initramfs=no"));
        assertThrows(IllegalArgumentException.class, () -> new PackageInstall(Path.of("/r"), Path.of("/l"),
                new TreeSet<>(List.of("--force-yes"))));
        assertThrows(IllegalArgumentException.class, () -> new PackageInstall(Path.of("/r"), Path.of("/l"),
                new TreeSet<>()));
    }

    @Test
    void mirrorComesLast() {
        List<String> argv = new MmdebstrapCommand("bookworm", "apt", new TreeSet<>(List.of("curl")),
                "http://deb.debian.org/debian", Path.of("/o.tar")).argv();
        assertEquals("http://deb.debian.org/debian", argv.get(argv.size() - 1));
    }

    @Test
    void packageNamesThatCouldInjectOptionsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new MmdebstrapCommand("bookworm", "apt",
                new TreeSet<>(List.of("curl,--hook=x")), null, Path.of("/o.tar")));
    }

    @Test
    void aptErrorsNameTheMissingPackages() {
        String stderr = """
                I: installing remaining packages inside the chroot...
                Reading package lists...
                Building dependency tree...
                E: Unable to locate package nosuchpkg-xyz
                E: Package 'oldthing' has no installation candidate
                E: Unable to locate package nosuchpkg-xyz
                E: setup failed: E: apt-get --yes install systemd nosuchpkg-xyz curl failed
                E: mmdebstrap failed to run
                """;
        assertEquals(List.of("nosuchpkg-xyz", "oldthing"), AptErrors.missingPackages(stderr));
        assertEquals(List.of(), AptErrors.missingPackages("E: Failed to fetch http://deb.debian.org/ 404"));
    }

    @Test
    void tailKeepsTheLastLines() {
        assertEquals("c\nd", Exec.tail("a\nb\nc\nd\n", 2));
    }
}
