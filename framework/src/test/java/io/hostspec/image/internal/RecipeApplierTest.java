package io.hostspec.image.internal;

import io.hostspec.realize.Recipe;
import io.hostspec.realize.Recipe.FileEntry;
import io.hostspec.realize.Recipe.GroupEntry;
import io.hostspec.realize.Recipe.UnitEntry;
import io.hostspec.realize.Recipe.UserEntry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecipeApplierTest {

    @TempDir
    Path dir;

    private Rootfs rootfs;
    private final List<List<String>> commands = new ArrayList<>();

    @BeforeEach
    void debianLikeTree() throws IOException {
        rootfs = new Rootfs(dir);
        Files.createDirectories(dir.resolve("etc/systemd/system"));
        Files.createDirectories(dir.resolve("usr/lib/systemd/system"));
        Files.createSymbolicLink(dir.resolve("lib"), Path.of("usr/lib"));
        Files.writeString(dir.resolve("usr/lib/systemd/system/nftables.service"), "[Unit]\n");
        Files.writeString(dir.resolve("usr/lib/systemd/system/serial-getty@.service"), "[Unit]\n");
        Files.writeString(dir.resolve("usr/lib/systemd/system/redis-server.service"), "[Unit]\n");
        Files.writeString(dir.resolve("etc/passwd"), "root:x:0:0:root:/root:/bin/bash\n");
        Files.writeString(dir.resolve("etc/group"), "root:x:0:\nusers:x:100:\n");
    }

    /** Emulates just enough of groupadd/useradd on the plain directory. */
    private void fakeChroot(List<String> argv) throws IOException {
        commands.add(argv);
        String name = argv.get(argv.size() - 1);
        int id = 1000 + commands.size();
        if (argv.get(0).equals("groupadd")) {
            int gid = argv.contains("--gid") ? Integer.parseInt(argv.get(argv.indexOf("--gid") + 1)) : id;
            Files.writeString(dir.resolve("etc/group"), name + ":x:" + gid + ":\n",
                    java.nio.file.StandardOpenOption.APPEND);
        } else if (argv.get(0).equals("useradd")) {
            int uid = argv.contains("--uid") ? Integer.parseInt(argv.get(argv.indexOf("--uid") + 1)) : id;
            int gid = rootfs.groups().get(argv.get(argv.indexOf("--gid") + 1));
            String home = argv.get(argv.indexOf("--home-dir") + 1);
            Files.writeString(dir.resolve("etc/passwd"), name + ":x:" + uid + ":" + gid + "::" + home + ":/bin/sh\n",
                    java.nio.file.StandardOpenOption.APPEND);
        }
    }

    private static Recipe recipe(Map<String, FileEntry> files, Map<String, GroupEntry> groups,
                                 Map<String, UserEntry> users, Map<String, UnitEntry> units, String nft,
                                 Map<String, String> sysctls) {
        return new Recipe("xoa", new TreeSet<>(List.of("redis-server")), new TreeMap<>(files), new TreeMap<>(groups),
                new TreeMap<>(users), new TreeMap<>(units), nft, new TreeMap<>(sysctls),
                new TreeSet<>(List.of("br_netfilter")), new TreeSet<>(), new Recipe.Hardware(512, 1, new TreeSet<>()),
                new TreeMap<>(), new TreeMap<>());
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 07777;
    }

    @Test
    void appliesAWholeRecipeToAPlainDirectory() throws Exception {
        Recipe r = recipe(
                Map.of("/etc/xo-server/config.toml",
                        new FileEntry("/etc/xo-server/config.toml", "redis = 1\n", "0640", "xo", "redis-xo")),
                Map.of("redis-xo", new GroupEntry("redis-xo", 900L, true)),
                Map.of("xo", new UserEntry("xo", 1500L, "xo", new TreeSet<>(List.of("redis-xo")), "/home/xo",
                        "/bin/bash", false, List.of("ssh-ed25519 AAAA test"))),
                Map.of("xo.service", new UnitEntry("xo.service", "[Service]\nExecStart=/bin/true\n",
                                new TreeSet<>(List.of("multi-user.target")), false),
                        "redis-server.service", new UnitEntry("redis-server.service", null,
                                new TreeSet<>(List.of("multi-user.target")), false)),
                "table inet filter {\n}\n",
                Map.of("net.ipv4.ip_forward", "1", "vm.overcommit_memory", "1"));

        new RecipeApplier(rootfs, this::fakeChroot).apply(r);

        assertEquals(List.of(
                List.of("groupadd", "--system", "--gid", "900", "redis-xo"),
                List.of("groupadd", "xo"),
                List.of("useradd", "--uid", "1500", "--gid", "xo", "--groups", "redis-xo", "--home-dir", "/home/xo",
                        "--create-home", "--shell", "/bin/bash", "xo"),
                List.of("usermod", "--lock", "root")), commands);

        Path config = dir.resolve("etc/xo-server/config.toml");
        assertEquals("redis = 1\n", Files.readString(config));
        assertEquals(0640, mode(config));
        assertEquals(1500, Files.getAttribute(config, "unix:uid"));
        assertEquals(900, Files.getAttribute(config, "unix:gid"));
        assertEquals(0755, mode(dir.resolve("etc/xo-server")));

        Path keys = dir.resolve("home/xo/.ssh/authorized_keys");
        assertEquals("ssh-ed25519 AAAA test\n", Files.readString(keys));
        assertEquals(0600, mode(keys));
        assertEquals(0700, mode(dir.resolve("home/xo/.ssh")));
        assertEquals(1500, Files.getAttribute(keys, "unix:uid"));

        Path wants = dir.resolve("etc/systemd/system/multi-user.target.wants");
        assertEquals(Path.of("/etc/systemd/system/xo.service"), Files.readSymbolicLink(wants.resolve("xo.service")));
        assertEquals(Path.of("/lib/systemd/system/redis-server.service"),
                Files.readSymbolicLink(wants.resolve("redis-server.service")));
        assertEquals("[Service]\nExecStart=/bin/true\n", Files.readString(dir.resolve("etc/systemd/system/xo.service")));

        assertEquals("#!/usr/sbin/nft -f\ntable inet filter {\n}\n", Files.readString(dir.resolve("etc/nftables.conf")));
        assertEquals(Path.of("/lib/systemd/system/nftables.service"),
                Files.readSymbolicLink(dir.resolve("etc/systemd/system/sysinit.target.wants/nftables.service")));
        assertEquals("# written by hostspec from boot.kernel.sysctl\nnet.ipv4.ip_forward = 1\nvm.overcommit_memory = 1\n",
                Files.readString(dir.resolve("etc/sysctl.d/90-hostspec.conf")));
        assertTrue(Files.readString(dir.resolve("etc/modules-load.d/hostspec.conf")).endsWith("br_netfilter\n"));
        assertEquals("xoa\n", Files.readString(dir.resolve("etc/hostname")));
        assertTrue(Files.readString(dir.resolve("etc/hosts")).contains("127.0.1.1\txoa"));
        assertEquals(Path.of("/lib/systemd/system/serial-getty@.service"), Files.readSymbolicLink(
                dir.resolve("etc/systemd/system/getty.target.wants/serial-getty@ttyS0.service")));

        Path daemon = dir.resolve("usr/lib/hostspec/hostspec-clock");
        assertTrue(Files.readString(daemon).startsWith("#!/usr/bin/perl\n"));
        assertTrue(Files.readString(daemon).contains("/dev/virtio-ports/org.hostspec.clock.0"));
        assertEquals(0755, mode(daemon));
        String unit = Files.readString(dir.resolve("etc/systemd/system/hostspec-clock.service"));
        assertTrue(unit.contains("BindsTo=dev-virtio\\x2dports-org.hostspec.clock.0.device\n"), unit);
        assertTrue(unit.contains("ExecStart=/usr/lib/hostspec/hostspec-clock\n"), unit);
        assertEquals("SUBSYSTEM==\"virtio-ports\", ATTR{name}==\"org.hostspec.clock.0\", TAG+=\"systemd\", "
                + "ENV{SYSTEMD_WANTS}+=\"hostspec-clock.service\"\n",
                Files.readString(dir.resolve("etc/udev/rules.d/90-hostspec-clock.rules")));
    }

    @Test
    void emptySectionsWriteNothing() throws Exception {
        new RecipeApplier(rootfs, this::fakeChroot).apply(recipe(Map.of(), Map.of(), Map.of(), Map.of(), null,
                Map.of()));
        assertFalse(Files.exists(dir.resolve("etc/nftables.conf")));
        assertFalse(Files.exists(dir.resolve("etc/sysctl.d")));
        assertFalse(Files.exists(dir.resolve("etc/systemd/system/sysinit.target.wants")));
    }

    @Test
    void fileOwnedByAnUnknownUserIsAnError() {
        Recipe r = recipe(Map.of("/etc/x", new FileEntry("/etc/x", "x", "0644", "ghost", "root")), Map.of(),
                Map.of(), Map.of(), null, Map.of());
        IOException e = assertThrows(IOException.class, () -> new RecipeApplier(rootfs, this::fakeChroot).apply(r));
        assertTrue(e.getMessage().contains("'ghost'"), e.getMessage());
    }

    @Test
    void enablingAUnitNoPackageShipsIsAnError() {
        Recipe r = recipe(Map.of(), Map.of(), Map.of(), Map.of("nope.service", new UnitEntry("nope.service", null,
                new TreeSet<>(List.of("multi-user.target")), false)), null, Map.of());
        IOException e = assertThrows(IOException.class, () -> new RecipeApplier(rootfs, this::fakeChroot).apply(r));
        assertTrue(e.getMessage().contains("nope.service"), e.getMessage());
    }

    @Test
    void systemUsersGetNoHomeAndNologin() {
        Recipe r = recipe(Map.of(), Map.of(), Map.of("redis-xo", new UserEntry("redis-xo", null, "redis-xo",
                new TreeSet<>(), null, null, true, List.of())), Map.of(), null, Map.of());
        List<List<String>> cmds = Accounts.commands(r, null, Accounts.State.parse("", "redis-xo:x:900:\n"));
        assertEquals(List.of(List.of("useradd", "--system", "--gid", "redis-xo", "--home-dir", "/nonexistent",
                "--no-create-home", "--shell", "/usr/sbin/nologin", "redis-xo")), cmds);
    }

    @Test
    void existingAccountsAreAmendedNotRecreated() throws Exception {
        Files.writeString(dir.resolve("etc/passwd"), "redis:x:101:101::/var/lib/redis:/usr/sbin/nologin\n",
                java.nio.file.StandardOpenOption.APPEND);
        Files.writeString(dir.resolve("etc/group"), "redis:x:101:\nadm:x:4:\n", java.nio.file.StandardOpenOption.APPEND);
        Recipe r = recipe(Map.of(), Map.of("redis", new GroupEntry("redis", 950L, true)),
                Map.of("redis", new UserEntry("redis", null, "redis", new TreeSet<>(List.of("adm")), "/var/lib/redis",
                        "/usr/sbin/nologin", true, List.of())), Map.of(), null, Map.of());
        new RecipeApplier(rootfs, this::fakeChroot).apply(r);
        assertEquals(List.of(List.of("groupmod", "--gid", "950", "redis"),
                List.of("usermod", "--append", "--groups", "adm", "redis"), List.of("usermod", "--lock", "root")),
                commands);
    }

    @Test
    void modesAreOctalIncludingSpecialBits() {
        assertEquals(04755, RecipeApplier.parseMode("4755", "/x"));
        assertEquals(0644, RecipeApplier.parseMode(null, "/x"));
        assertThrows(IllegalArgumentException.class, () -> RecipeApplier.parseMode("rw-r--r--", "/x"));
    }
}
