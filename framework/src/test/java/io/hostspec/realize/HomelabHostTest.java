package io.hostspec.realize;

import io.hostspec.module.ConfigException;
import io.hostspec.module.Module;
import io.hostspec.module.ModuleSystem;
import io.hostspec.module.Provenance;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * vm-images/hosts/homelab: the service pattern of homelab/services expands each app into its unit, its virtual host,
 * its health check, its backup and its homepage line; the Nix host realizes to the same recipe.
 */
class HomelabHostTest {

    private static Recipe realize(String host, String... docstrings) {
        Path root = root();
        ModuleSystem ms = ModuleSystem.create(root, List.of(), Realization.builtIns());
        List<Module> modules = new ArrayList<>(List.of(ms.load(host, new Provenance("HomelabHostTest", 1))));
        for (int i = 0; i < docstrings.length; i++) {
            modules.add(ms.parse("extra" + i, "features/homelab/x.feature", docstrings[i], 10 * (i + 1)));
        }
        return Realization.realize(ms.evaluate(modules));
    }

    private static Path root() {
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isDirectory(p.resolve("vm-images"))) {
                return p;
            }
        }
        throw new IllegalStateException("no vm-images folder above " + Path.of("").toAbsolutePath());
    }

    @Test
    void everyAppHasItsUnitProxyCheckBackupAndHomepageLine() {
        Recipe r = realize("hosts/homelab");
        for (String app : List.of("wiki", "photos", "files")) {
            String unit = r.units().get(app + ".service").content();
            assertTrue(unit.contains("User=" + app + "\n") && unit.contains("StateDirectory=" + app + "\n"), unit);
            assertTrue(r.users().get(app).system());
            assertTrue(r.units().containsKey("restic-backups-" + app + ".service"), app);
            assertTrue(r.files().get("/usr/local/bin/restic-" + app).content()
                    .contains("RESTIC_REPOSITORY='sftp:backup@store:/home/backup/restic/" + app + "'"));
            assertTrue(r.files().get("/etc/hostspec/scripts/restic-backups-" + app + ".sh").content()
                    .contains("backup -- '/var/lib/" + app + "'"));
            String blackbox = r.files().get("/etc/prometheus/blackbox.yml").content();
            assertTrue(blackbox.contains("\"gatus_" + app + "\""), blackbox);
        }
        assertTrue(r.files().get("/etc/hostspec/scripts/wiki.sh").content()
                .contains("exec /bin/busybox httpd -f -v -p 127.0.0.1:8081 -h /var/lib/wiki"));
        String cloud = r.files().get("/etc/nginx/sites-enabled/files.conf").content();
        assertTrue(cloud.contains("server_name cloud.home.lab;"), cloud);
        assertTrue(cloud.contains("proxy_pass http://127.0.0.1:8083;"), cloud);
        assertTrue(r.files().get("/etc/prometheus/prometheus.yml").content().contains("\"http://cloud.home.lab/\""));
        assertTrue(r.files().get("/etc/hosts").content().contains(
                "127.0.0.1 home.lab cloud.home.lab photos.home.lab wiki.home.lab\n"), r.files().get("/etc/hosts").content());
        String home = r.files().get("/etc/homelab/www/index.html").content();
        assertTrue(home.startsWith("<!doctype html>") && home.strip().endsWith("</ul>"), home);
        assertEquals(1, home.split("<h1>", -1).length - 1, "one header: " + home);
        assertTrue(home.contains("<a href=\"http://cloud.home.lab/\">files</a>"), home);
        assertTrue(home.contains("wiki</a> notes of the house"), home);
        assertTrue(r.nftables().contains("80"), r.nftables());
        assertTrue(r.packages().containsAll(List.of("busybox", "nginx", "prometheus", "prometheus-blackbox-exporter",
                "restic")), r.packages().toString());
    }

    @Test
    void anAppWithoutMonitorOrBackupHasNeither() {
        Recipe r = realize("hosts/homelab", """
                "homelab.services.photos.monitor" = false
                "homelab.services.photos.backup" = false
                "homelab.services.photos.homepage.enable" = false
                """);
        assertFalse(r.units().containsKey("restic-backups-photos.service"));
        assertFalse(r.files().get("/etc/prometheus/blackbox.yml").content().contains("gatus_photos"));
        assertFalse(r.files().get("/etc/homelab/www/index.html").content().contains("photos"));
        assertTrue(r.units().containsKey("photos.service"), "the app itself still runs");
    }

    @Test
    void anAppWithoutAPortNamesTheHostsLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> realize("hosts/homelab",
                "\"homelab.services.blog.enable\" = true\n"));
        assertTrue(e.getMessage().contains("The option `homelab.services.blog.port' is used but not defined"),
                e.getMessage());
        assertTrue(e.getMessage().contains("`homelab.services.blog' is defined at features/homelab/x.feature:11"),
                e.getMessage());
        assertTrue(e.getMessage().contains("vm-images/modules/homelab/services.toml:"), e.getMessage());
    }

    @Test
    void twoAppsOnOneDomainNameBothDefinitions() {
        ConfigException e = assertThrows(ConfigException.class, () -> realize("hosts/homelab",
                "\"homelab.services.photos.subdomain\" = \"wiki\"\n"));
        assertTrue(e.getMessage().contains("The nginx virtual hosts `photos' and `wiki' both answer to `wiki.home.lab'"),
                e.getMessage());
        assertTrue(e.getMessage().contains("`services.nginx.virtualHosts.wiki.serverName' is defined at "
                + "vm-images/modules/homelab/services.toml:"), e.getMessage());
    }

    @Test
    void nixHostRealizesLikeTheTomlHost() {
        Recipe toml = realize("vm-images/hosts/homelab.toml");
        Recipe nix = realize("vm-images/hosts/homelab.nix");
        assertEquals(toml.imageHash(), nix.imageHash());
        assertEquals(toml.hardware(), nix.hardware());
        assertEquals(toml.artifacts(), nix.artifacts());
    }
}
