package io.hostspec.realize;

import io.hostspec.module.ConfigException;
import io.hostspec.module.ModuleSystem;
import io.hostspec.module.Provenance;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The lab of vm-images/hosts/lab, composed from the templates of vm-images/modules/templates: what each host's recipe
 * holds that the lab's features rely on, without booting anything.
 */
class LabTemplatesTest {

    /** One module system per host, as a scenario has: a module system's .nix modules share one {@code config}. */
    private static Recipe host(String name, String extra) {
        ModuleSystem modules = ModuleSystem.create(XoaGoldenTest.projectRoot(), List.of(), Realization.builtIns());
        return Realization.realize(modules.evaluate(List.of(
                modules.load("hosts/lab/" + name, new Provenance("LabTemplatesTest", 1)),
                modules.parse("scenario", "LabTemplatesTest.feature",
                        "\"networking.hostName\" = \"" + name + "\"\n" + extra, 0))));
    }

    @Test
    void everyHostHasTheBaseFragmentsAndExportsItsMetrics() {
        for (String h : List.of("lb", "web1", "web2", "db", "monitor")) {
            Recipe r = host(h, "");
            assertTrue(r.packages().containsAll(List.of("less", "jq", "prometheus-node-exporter")), h + ": "
                    + r.packages());
            assertTrue(r.users().containsKey("ops"), h);
            assertTrue(r.nftables().contains("9100"), h + " opens the node exporter's port: " + r.nftables());
            assertEquals(512, r.hardware().memoryMiB(), h);
        }
    }

    @Test
    void loadBalancerNamesBothWebServersWithHealthChecks() {
        Recipe r = host("lb", "");
        String cfg = r.files().get(HaproxyRealizer.CONFIG_FILE).content();
        assertTrue(cfg.contains("  server web1 web1:80 check inter 2s fall 2 rise 2\n"), cfg);
        assertTrue(cfg.contains("  server web2 web2:80 check inter 2s fall 2 rise 2\n"), cfg);
        assertTrue(cfg.contains("option httpchk GET /health"), cfg);
        assertTrue(cfg.contains("stats socket /run/haproxy/admin.sock"), cfg);
        assertTrue(r.units().containsKey("haproxy-hosts.service"), "haproxy reloads when /etc/hosts changes");
        assertEquals(new java.util.TreeSet<>(List.of(2)), r.hardware().vlans());
    }

    @Test
    void webServerProxiesToTheAppThatReadsTheDatabase() {
        Recipe r = host("web1", "");
        String site = r.files().get("/etc/nginx/sites-enabled/site.conf").content();
        assertTrue(site.contains("proxy_pass http://127.0.0.1:8080;"), site);
        assertTrue(site.contains("location = /health {"), site);
        String unit = r.units().get("webapp.service").content();
        assertTrue(unit.contains("SERVER_NAME=web1"), unit);
        assertTrue(unit.contains("DATABASE_URL=postgresql://web@db:5432/web"), unit);
        assertEquals("db:5432:web:web:web-secret", r.files().get("/etc/webapp/pgpass").content().strip());
        assertEquals("webapp", r.files().get("/etc/webapp/pgpass").user());
        assertTrue(r.packages().containsAll(List.of("nginx", "python3", "postgresql-client")), r.packages().toString());
    }

    @Test
    void databaseAnswersOnlyTheWebServers() {
        Recipe r = host("db", "");
        String hba = r.files().get("/etc/postgresql/15/main/pg_hba.conf").content();
        assertTrue(hba.startsWith("# Generated file; do not edit!\nhost web web web1 scram-sha-256\n"
                + "host web web web2 scram-sha-256\n# default value"), hba);
        assertTrue(r.nftables().contains("ip saddr 198.18.1.0/24 tcp dport 5432 accept"), r.nftables());
        assertTrue(!r.nftables().matches("(?s).*dport \\{[^}]*5432.*"), "5432 is not open to everyone: "
                + r.nftables());
        assertTrue(r.files().get(PostgresqlRealizer.SETUP_SQL).content().contains("ALTER DATABASE \"web\" OWNER TO"));
        assertTrue(r.files().get("/etc/templates/database-initial.sql").content()
                .contains("INSERT INTO greeting (message) VALUES ('Hello from PostgreSQL');"));
    }

    @Test
    void monitoringScrapesTheFourHosts() {
        Recipe r = host("monitor", "");
        String yml = r.files().get(PrometheusRealizer.CONFIG).content();
        for (String t : List.of("lb:9100", "web1:9100", "web2:9100", "db:9100")) {
            assertTrue(yml.contains("\"" + t + "\""), t + " in " + yml);
        }
        assertTrue(r.nftables().contains("9090"), r.nftables());
    }

    @Test
    void aDatabaseOwnerWithoutItsDatabaseNamesTheLines() {
        String msg = assertThrows(ConfigException.class, () -> host("db", """
                "services.postgresql.ensureUsers" = [{ name = "shop", ensureDBOwnership = true }]
                """)).getMessage();
        assertTrue(msg.contains("Offender: shop has not been found among databases [web]"), msg);
        assertTrue(msg.contains("LabTemplatesTest.feature:2"), msg);
        assertTrue(msg.contains("vm-images/modules/templates/services/database.nix"), msg);
    }
}
