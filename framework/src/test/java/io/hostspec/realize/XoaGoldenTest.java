package io.hostspec.realize;

import io.hostspec.module.ModuleSystem;
import io.hostspec.module.Provenance;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The realized recipe of vm-images/hosts/xoa against the golden files in src/test/resources/golden/xoa. After an
 * intended change, {@code mvn -pl framework test -Dtest=XoaGoldenTest -Dgolden.update=true} rewrites them; review the
 * diff before committing.
 */
class XoaGoldenTest {

    private static Path root;
    private static Recipe recipe;

    @BeforeAll
    static void realizeXoa() {
        root = projectRoot();
        ModuleSystem ms = ModuleSystem.create(root, List.of(), Realization.builtIns());
        recipe = Realization.realize(ms.evaluate(List.of(ms.load("hosts/xoa", new Provenance("XoaGoldenTest", 1)))));
    }

    static Path projectRoot() {
        String prop = System.getProperty("hostspec.root");
        if (prop != null && Files.isDirectory(Path.of(prop, "vm-images"))) {
            return Path.of(prop).toAbsolutePath();
        }
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("vm-images"))) {
                return p;
            }
        }
        throw new IllegalStateException("no folder containing vm-images above " + Path.of("").toAbsolutePath());
    }

    /** The golden files: name -> content. */
    private static Map<String, String> actual() {
        Map<String, String> out = new LinkedHashMap<>();
        out.put("nftables.conf", recipe.nftables());
        recipe.units().forEach((name, u) -> {
            if (u.content() != null) {
                out.put("units/" + name, u.content());
            }
        });
        for (String f : List.of("/etc/redis/redis-xo.conf", "/etc/xo-server/config.nixoa.toml",
                "/etc/nginx/sites-enabled/xo.conf", "/etc/hostspec/scripts/nginx-selfsigned-xo.sh",
                "/etc/ssh/sshd_config.d/hostspec.conf", "/etc/hosts")) {
            out.put("files" + f, recipe.files().get(f).content());
        }
        StringBuilder summary = new StringBuilder();
        summary.append("hostName ").append(recipe.hostName()).append('\n');
        summary.append("packages ").append(String.join(" ", recipe.packages())).append('\n');
        recipe.groups().values().forEach(g -> summary.append("group ").append(g).append('\n'));
        recipe.users().values().forEach(u -> summary.append("user ").append(u).append('\n'));
        recipe.units().values().forEach(u -> summary.append("unit ").append(u.name()).append(" wantedBy=")
                .append(u.wantedBy()).append(" reloadable=").append(u.reloadable()).append('\n'));
        recipe.files().values().forEach(f -> summary.append("file ").append(f.path()).append(' ').append(f.mode())
                .append(' ').append(f.user()).append(':').append(f.group()).append('\n'));
        summary.append("stateDirs ").append(String.join(" ", recipe.stateDirs())).append('\n');
        summary.append("sysctls ").append(recipe.sysctls()).append('\n');
        summary.append("hardware ").append(recipe.hardware()).append('\n');
        out.put("summary.txt", summary.toString());
        out.put("artifacts.txt", recipe.artifacts().entrySet().stream()
                .map(e -> e.getKey() + "\n" + e.getValue().stream().map(o -> "  " + o).collect(Collectors.joining("\n")))
                .collect(Collectors.joining("\n", "", "\n")));
        return out;
    }

    @Test
    void matchesTheGoldenFiles() throws IOException {
        Path dir = root.resolve("framework/src/test/resources/golden/xoa");
        Map<String, String> actual = actual();
        if (Boolean.getBoolean("golden.update")) {
            if (Files.isDirectory(dir)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    for (Path p : s.sorted((a, b) -> b.compareTo(a)).toList()) {
                        Files.delete(p);
                    }
                }
            }
            for (Map.Entry<String, String> e : actual.entrySet()) {
                Path p = dir.resolve(e.getKey());
                Files.createDirectories(p.getParent());
                Files.writeString(p, e.getValue());
            }
        }
        Set<String> stored = new TreeSet<>();
        try (Stream<Path> s = Files.walk(dir)) {
            s.filter(Files::isRegularFile).forEach(p -> stored.add(dir.relativize(p).toString()));
        }
        assertEquals(new TreeSet<>(actual.keySet()), stored, "golden files (rewrite with -Dgolden.update=true)");
        for (Map.Entry<String, String> e : actual.entrySet()) {
            assertEquals(Files.readString(dir.resolve(e.getKey())), e.getValue(),
                    e.getKey() + " differs from golden/xoa (rewrite with -Dgolden.update=true)");
        }
    }

    @Test
    void xoReachesRedisOnlyThroughTheSocket() {
        String conf = recipe.files().get("/etc/redis/redis-xo.conf").content();
        assertTrue(conf.contains("port 0\n") && conf.contains("unixsocket /run/redis-xo/redis.sock\n")
                && conf.contains("unixsocketperm 770\n"), conf);
        Recipe.UserEntry xo = recipe.users().get("xo");
        assertEquals("xo", xo.group());
        assertEquals(Set.of("redis-xo"), xo.extraGroups());
        assertTrue(xo.system());
        assertTrue(recipe.files().get("/etc/xo-server/config.nixoa.toml").content()
                .contains("socket = \"/run/redis-xo/redis.sock\""));
        assertTrue(recipe.files().get("/etc/xo-server/config.nixoa.toml").content().contains("port = 3000"));
    }

    @Test
    void firewallOpensSshHttpAndHttpsOnly() {
        assertTrue(recipe.nftables().contains("tcp dport { 22, 80, 443 } accept"), recipe.nftables());
        assertFalse(recipe.nftables().contains("3000"));
        assertFalse(recipe.nftables().contains("6379"));
    }

    @Test
    void xoServerRunsTheCommandAfterRedis() {
        String unit = recipe.units().get("xo-server.service").content();
        assertTrue(unit.contains("After=network.target redis-xo.service\n"), unit);
        assertTrue(unit.contains("ExecStart=/usr/bin/python3 /etc/xo-server/standin.py "
                + "/etc/xo-server/config.nixoa.toml\n"), unit);
        assertTrue(recipe.files().containsKey("/etc/xo-server/standin.py"));
        assertTrue(recipe.packages().contains("python3"));
    }

    @Test
    void artifactsTraceBackToTheModuleLines() {
        assertTrue(recipe.artifacts().get("unit:redis-xo.service").contains("services.redis.servers.xo.enable"));
        assertTrue(recipe.options().get("services.redis.servers.xo.enable").get(0)
                .startsWith("vm-images/modules/xo/xoa.toml:"), recipe.options().toString());
        assertTrue(recipe.options().get("users.users.admin.isNormalUser").get(0)
                .startsWith("vm-images/hosts/xoa.toml:"));
    }

    @Test
    void withoutTlsAndSshOnlyPort80IsOpenAndNginxProxiesPlainHttp(@org.junit.jupiter.api.io.TempDir Path tmp)
            throws IOException {
        Path host = tmp.resolve("plain.toml");
        Files.writeString(host, """
                imports = ["core/base", "xo/xoa"]
                "nixoa.xo.enable" = true
                "nixoa.xo.tls.enable" = false
                "services.openssh.enable" = false
                """);
        ModuleSystem ms = ModuleSystem.create(tmp, List.of(root.resolve("vm-images/modules")),
                Realization.builtIns());
        Recipe r = Realization.realize(ms.evaluate(List.of(ms.load(host.toString(), new Provenance("test", 1)))));
        assertTrue(r.nftables().contains("tcp dport { 80 } accept"), r.nftables());
        String site = r.files().get("/etc/nginx/sites-enabled/xo.conf").content();
        assertFalse(site.contains("ssl"), site);
        assertTrue(site.contains("proxy_pass http://127.0.0.1:3000;"), site);
        assertFalse(r.units().containsKey("nginx-selfsigned-xo.service"));
        assertFalse(r.packages().contains("openssh-server"));
    }
}
