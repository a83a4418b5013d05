package io.hostspec.image;

import io.hostspec.image.internal.Exec;
import io.hostspec.realize.Recipe;
import io.hostspec.realize.Recipe.FileEntry;
import io.hostspec.realize.Recipe.UnitEntry;
import io.hostspec.realize.Recipe.UserEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Builds real images with mmdebstrap into the default cache (needs root and a Debian mirror). */
class ImageBuilderIT {

    @TempDir
    Path tmp;

    private final Map<BuildStage, Duration> stages = new EnumMap<>(BuildStage.class);
    private final ImageBuilder builder = ImageBuilder.create()
            .withListener((host, stage, elapsed) -> stages.put(stage, elapsed));

    /** Images with a unique text in them, built to measure a fresh build: nobody reuses them, so they go. */
    private final List<String> throwaway = new ArrayList<>();

    @AfterEach
    void removeThrowawayImages() {
        throwaway.forEach(hash -> builder.cache().removeImage(hash));
    }

    private Recipe unique(String host, String text, String... extraPackages) {
        Recipe r = recipe(host, text + " " + System.nanoTime() + "\n", extraPackages);
        throwaway.add(r.imageHash());
        return r;
    }

    static Recipe recipe(String host, String motd, String... extraPackages) {
        TreeSet<String> packages = new TreeSet<>(List.of("redis-server"));
        packages.addAll(List.of(extraPackages));
        return new Recipe(host, packages,
                new TreeMap<>(Map.of("/etc/motd", new FileEntry("/etc/motd", motd, "0640", "xo", "xo"))),
                new TreeMap<>(),
                new TreeMap<>(Map.of("xo", new UserEntry("xo", 1500L, "xo", new TreeSet<>(List.of("redis")),
                        "/home/xo", "/bin/bash", false, List.of("ssh-ed25519 AAAAC3Nza test@hostspec")))),
                new TreeMap<>(Map.of("hello.service", new UnitEntry("hello.service",
                        "[Unit]\nDescription=hello\n[Service]\nType=oneshot\nExecStart=/bin/echo hello\n"
                                + "[Install]\nWantedBy=multi-user.target\n",
                        new TreeSet<>(List.of("multi-user.target")), false))),
                "flush ruleset\ntable inet filter {\n  chain input { type filter hook input priority 0; policy accept; }\n}\n",
                new TreeMap<>(Map.of("vm.overcommit_memory", "1")),
                new TreeSet<>(List.of("br_netfilter")), new TreeSet<>(List.of("/var/lib/redis")),
                new Recipe.Hardware(512, 1, new TreeSet<>()), new TreeMap<>(), new TreeMap<>());
    }

    @Test
    void buildsCachesAndReusesARealImage() throws Exception {
        Recipe recipe = unique("itbox", "welcome");

        long t0 = System.nanoTime();
        BuiltImage image = builder.build(recipe);
        Duration cold = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("MEASURE cold build (fresh image; base layer %s): %d ms, stages %s%n",
                stages.containsKey(BuildStage.BASE_LAYER) ? "see stage" : "n/a", cold.toMillis(), stages);

        Path entry = builder.cache().imageDir(recipe.imageHash());
        assertEquals(entry.resolve("disk.qcow2"), image.disk());
        for (Path p : List.of(image.disk(), image.kernel(), image.initrd(), entry.resolve("manifest.json"))) {
            assertTrue(Files.size(p) > 0, p + " is empty");
        }
        assertTrue(Files.size(image.initrd()) > 1_000_000, "an initrd: " + Files.size(image.initrd()));
        assertTrue(Files.size(image.initrd()) < 10_000_000, "the initrd holds two modules, not most of them: "
                + Files.size(image.initrd()));

        stages.clear();
        long t1 = System.nanoTime();
        BuiltImage again = builder.build(recipe);
        Duration hit = Duration.ofNanos(System.nanoTime() - t1);
        System.out.printf("MEASURE cache hit: %d ms%n", hit.toMillis());
        assertEquals(image, again);
        assertEquals(List.of(BuildStage.CACHE_HIT), List.copyOf(stages.keySet()));
        assertTrue(hit.compareTo(Duration.ofSeconds(1)) < 0, "cache hit took " + hit);

        // Inside the image: the ext4 content as the guest will see it.
        Path raw = tmp.resolve("root.raw");
        exec("qemu-img", "convert", "-f", "qcow2", "-O", "raw", image.disk().toString(), raw.toString());
        assertEquals("itbox", debugfs(raw, "cat /etc/hostname").strip());
        assertEquals(recipe.files().get("/etc/motd").content(), debugfs(raw, "cat /etc/motd"));
        assertTrue(debugfs(raw, "cat /etc/passwd").contains("xo:x:1500:"), "user xo with uid 1500");
        assertTrue(debugfs(raw, "cat /etc/group").matches("(?s).*\\nredis:x:\\d+:xo\\n.*"), "xo in group redis");
        assertTrue(debugfs(raw, "stat /etc/motd").contains("Mode:  0640"), debugfs(raw, "stat /etc/motd"));
        assertTrue(debugfs(raw, "stat /etc/motd").contains("User:  1500"), debugfs(raw, "stat /etc/motd"));
        assertTrue(debugfs(raw, "cat /home/xo/.ssh/authorized_keys").contains("test@hostspec"));
        assertTrue(debugfs(raw, "ls /etc/systemd/system/multi-user.target.wants").contains("hello.service"));
        assertTrue(debugfs(raw, "ls /etc/systemd/system/sysinit.target.wants").contains("nftables.service"));
        assertTrue(debugfs(raw, "cat /etc/nftables.conf").contains("flush ruleset"));
        assertTrue(debugfs(raw, "cat /etc/sysctl.d/90-hostspec.conf").contains("vm.overcommit_memory = 1"));
        assertTrue(debugfs(raw, "cat /etc/initramfs-tools/conf.d/hostspec.conf").contains("MODULES=list"));
        // the package layer: redis-server installed with apt on the common base, and no trace of the install
        assertTrue(debugfs(raw, "cat /var/lib/dpkg/status").contains("Package: redis-server\n"));
        assertTrue(debugfs(raw, "ls /usr/bin").contains("redis-server"));
        assertTrue(debugfs(raw, "cat /etc/initramfs-tools/update-initramfs.conf").contains("update_initramfs=yes"));
        assertFalse(debugfs(raw, "ls -l /var/lib/apt/lists").contains("Packages"), "no package lists left");
        assertFalse(debugfs(raw, "ls -l /var/cache/apt/archives").contains(".deb"), "no packages left");
        assertFalse(debugfs(raw, "ls /usr/sbin").contains("policy-rc.d"), "no policy-rc.d left");
        // the boot trimmed to what a test host needs
        assertEquals("/dev/null", debugfs(raw, "stat /etc/systemd/system/apt-daily.timer")
                .replaceAll("(?s).*Fast link dest: \"([^\"]*)\".*", "$1"), "apt-daily.timer is masked");
        assertFalse(debugfs(raw, "ls /usr/lib/modules").isBlank());
        assertTrue(debugfs(raw, "cat /etc/shadow").contains("root:!"), "root is locked");
    }

    @Test
    void recipesThatDifferOnlyInFilesShareTheBaseLayer() {
        builder.build(recipe("itbox", "first\n"));
        stages.clear();
        long t0 = System.nanoTime();
        builder.build(unique("itbox", "second"));
        Duration reuse = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("MEASURE base-layer reuse build: %d ms, stages %s%n", reuse.toMillis(), stages);
        assertTrue(stages.get(BuildStage.BASE_LAYER).compareTo(Duration.ofSeconds(2)) < 0,
                "base layer should come from the cache: " + stages);
        assertTrue(stages.containsKey(BuildStage.EXT4));
    }

    @Test
    void aHostWithOtherPackagesGetsAThinLayerOnTheSameCommonBase() {
        builder.build(recipe("itbox", "first\n"));
        stages.clear();
        long t0 = System.nanoTime();
        Recipe other = unique("itbox2", "other", "jq", "tree", "less");
        BuiltImage image = builder.build(other);
        Duration next = Duration.ofNanos(System.nanoTime() - t0);
        System.out.printf("MEASURE next image (3 packages more on the common base): %d ms, stages %s%n",
                next.toMillis(), stages);
        assertTrue(stages.get(BuildStage.BASE_LAYER).compareTo(Duration.ofSeconds(2)) < 0,
                "the common base comes from the cache: " + stages);
        assertTrue(Files.isRegularFile(builder.baseLayer(other)), "the package layer is cached");
        assertTrue(builder.baseLayer(other).startsWith(builder.cache().root().resolve("base")));
        assertTrue(image.disk().startsWith(builder.cache().imageDir(other.imageHash())));
    }

    @Test
    void aPackageThatDoesNotExistIsNamed() {
        MissingPackageException e = assertThrows(MissingPackageException.class,
                () -> builder.build(recipe("badbox", "x\n", "hostspec-no-such-package")));
        System.out.println("MEASURE missing package message: " + e.getMessage().lines().findFirst().orElse(""));
        assertEquals(List.of("hostspec-no-such-package"), e.packages());
        assertTrue(e.getMessage().contains("badbox"));
        assertTrue(e.getMessage().contains("hostspec-no-such-package"));
        assertTrue(builder.cache().findImage(recipe("badbox", "x\n", "hostspec-no-such-package").imageHash())
                .isEmpty());
    }

    private static String debugfs(Path raw, String request) throws Exception {
        return exec("debugfs", "-R", request, raw.toString()).stdout();
    }

    private static Exec.Result exec(String... argv) throws Exception {
        Exec.Result r = Exec.run(List.of(argv), Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin"),
                Duration.ofMinutes(2));
        assertEquals(0, r.exitCode(), String.join(" ", argv) + ": " + r.stderr());
        return r;
    }
}
