package io.hostspec.realize;

import io.hostspec.module.ConfigException;
import io.hostspec.module.ModuleSystem;
import io.hostspec.module.Provenance;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code services.haproxy} and {@code services.postgresql}: the files and units they produce and what they reject. */
class DatabaseRealizersTest {

    @TempDir
    Path root;

    private Recipe realize(String host) throws IOException {
        Path f = root.resolve("vm-images/hosts/h.toml");
        Files.createDirectories(f.getParent());
        Files.writeString(f, host);
        ModuleSystem ms = ModuleSystem.create(root, List.of(), Realization.builtIns());
        return Realization.realize(ms.evaluate(List.of(ms.load("hosts/h", new Provenance("test", 1)))));
    }

    private String rejected(String host) {
        return assertThrows(ConfigException.class, () -> realize(host)).getMessage();
    }

    @Test
    void haproxyWritesTheWholeConfigAndItsOwnUnit() throws IOException {
        Recipe r = realize("""
                "services.haproxy.enable" = true
                "services.haproxy.config" = "defaults\\n  mode http\\nfrontend www\\n  bind :80\\n"
                """);
        assertTrue(r.packages().contains("haproxy"));
        assertEquals("defaults\n  mode http\nfrontend www\n  bind :80\n",
                r.files().get(HaproxyRealizer.CONFIG_FILE).content());
        Recipe.UnitEntry unit = r.units().get("haproxy.service");
        assertTrue(unit.reloadable(), "a config change reloads haproxy, as NixOS' reload triggers do");
        assertTrue(unit.content().contains("User=haproxy\nGroup=haproxy\n"), unit.content());
        assertTrue(unit.content().contains("ExecStartPre=/usr/sbin/haproxy -c -q -f /etc/haproxy.cfg"));
        assertTrue(unit.content().contains("RuntimeDirectory=haproxy"));
        assertEquals("/var/lib/haproxy", r.users().get("haproxy").home());
        assertTrue(r.groups().containsKey("haproxy"));
        assertTrue(r.artifacts().get("file:/etc/haproxy.cfg").contains("services.haproxy.config"));
    }

    @Test
    void haproxyConfigChangeChangesTheUnitSoASwitchReloadsIt() throws IOException {
        String a = realize("""
                "services.haproxy.enable" = true
                "services.haproxy.config" = "frontend a"
                """).units().get("haproxy.service").content();
        String b = realize("""
                "services.haproxy.enable" = true
                "services.haproxy.config" = "frontend b"
                """).units().get("haproxy.service").content();
        assertNotEquals(a, b);
    }

    @Test
    void haproxyWithoutConfigIsRejectedWithTheLine() {
        String msg = rejected("""
                "services.haproxy.enable" = true
                """);
        assertTrue(msg.contains("You must provide services.haproxy.config"), msg);
        assertTrue(msg.contains("vm-images/hosts/h.toml:1"), msg);
    }

    @Test
    void haproxyOtherUserIsNotCreated() throws IOException {
        Recipe r = realize("""
                "services.haproxy.enable" = true
                "services.haproxy.config" = "frontend a"
                "services.haproxy.user" = "lb"
                "users.users.lb" = { isSystemUser = true, group = "haproxy" }
                """);
        assertFalse(r.users().containsKey("haproxy"));
        assertTrue(r.units().get("haproxy.service").content().contains("User=lb\n"));
    }

    @Test
    void postgresqlFollowsNixosOnDebiansClusterLayout() throws IOException {
        Recipe r = realize("""
                "services.postgresql.enable" = true
                "services.postgresql.enableTCPIP" = true
                "services.postgresql.authentication" = "host app app web1 scram-sha-256"
                "services.postgresql.settings" = { max_connections = 20, log_connections = true, shared_preload_libraries = ["a", "b"] }
                "services.postgresql.ensureDatabases" = ["app"]
                "services.postgresql.ensureUsers" = [{ name = "app", ensureDBOwnership = true, ensureClauses = { login = true, createdb = false } }]
                "services.postgresql.initialScript" = "/etc/app/init.sql"
                """);
        assertTrue(r.packages().contains("postgresql-15"));
        String dir = "/etc/postgresql/15/main/";
        assertEquals("""
                # Generated file; do not edit!
                host app app web1 scram-sha-256
                """ + PostgresqlRealizer.DEFAULT_AUTHENTICATION, r.files().get(dir + "pg_hba.conf").content());
        assertEquals("postgres", r.files().get(dir + "pg_hba.conf").user());
        assertEquals("""
                # Generated by hostspec from services.postgresql.settings
                data_directory = '/var/lib/postgresql/15/main'
                hba_file = '/etc/postgresql/15/main/pg_hba.conf'
                ident_file = '/etc/postgresql/15/main/pg_ident.conf'
                unix_socket_directories = '/var/run/postgresql'
                listen_addresses = '*'
                port = 5432
                log_destination = 'stderr'
                log_connections = on
                max_connections = 20
                shared_preload_libraries = 'a, b'
                """, r.files().get(dir + "postgresql.conf").content());
        assertEquals("manual\n", r.files().get(dir + "start.conf").content());
        assertTrue(r.units().get("postgresql.service").content()
                .contains("ExecStart=/usr/lib/postgresql/15/bin/postgres -D /etc/postgresql/15/main\n"));
        assertEquals("""
                -- Generated by hostspec from services.postgresql.ensureDatabases and ensureUsers
                SELECT 'CREATE DATABASE "app"' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'app')\\gexec
                SELECT 'CREATE USER "app"' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'app')\\gexec
                ALTER DATABASE "app" OWNER TO "app";
                ALTER ROLE "app" WITH NOCREATEDB LOGIN;
                """, r.files().get(PostgresqlRealizer.SETUP_SQL).content());
        String setup = r.files().get(SystemdRealizer.SCRIPTS + "postgresql-setup.sh").content();
        assertTrue(setup.indexOf("-f /etc/app/init.sql") < setup.indexOf("-f " + PostgresqlRealizer.SETUP_SQL),
                "the initial script runs before the ensure* statements, as in NixOS: " + setup);
        Recipe.UnitEntry unit = r.units().get("postgresql-setup.service");
        assertTrue(unit.content().contains("After=postgresql.service"));
        assertTrue(unit.content().contains("User=postgres"));
        assertTrue(r.stateDirs().contains("/var/lib/postgresql"));
    }

    @Test
    void postgresqlLocalOnlyByDefaultAndSettingsWin() throws IOException {
        Recipe r = realize("""
                "services.postgresql.enable" = true
                "services.postgresql.settings" = { port = 5433 }
                """);
        String conf = r.files().get("/etc/postgresql/15/main/postgresql.conf").content();
        assertTrue(conf.contains("listen_addresses = 'localhost'\n"), conf);
        assertTrue(conf.contains("port = 5433\n") && !conf.contains("port = 5432"), conf);
        assertTrue(r.units().get("postgresql-setup.service").content().contains("PGPORT=5433\n"));
        assertFalse(r.files().get(SystemdRealizer.SCRIPTS + "postgresql-setup.sh").content().contains("touch"));
    }

    @Test
    void postgresqlNamesAreQuotedInSql() {
        assertEquals("'CREATE DATABASE \"o\"\"k''s\"'", PostgresqlEnsure.literal("CREATE DATABASE "
                + PostgresqlEnsure.ident("o\"k's")));
    }

    @Test
    void ensureDbOwnershipWithoutItsDatabaseIsRejectedAsNixosAsserts() {
        String msg = rejected("""
                "services.postgresql.enable" = true
                "services.postgresql.ensureDatabases" = ["shop"]
                "services.postgresql.ensureUsers" = [{ name = "web", ensureDBOwnership = true }]
                """);
        assertTrue(msg.contains("Offender: web has not been found among databases [shop]"), msg);
        assertTrue(msg.contains("`services.postgresql.ensureUsers' is defined at vm-images/hosts/h.toml:3"), msg);
        assertTrue(msg.contains("`services.postgresql.ensureDatabases' is defined at vm-images/hosts/h.toml:2"), msg);
    }

    @Test
    void badEnsureUsersEntriesAreEachNamed() {
        String msg = rejected("""
                "services.postgresql.enable" = true
                "services.postgresql.ensureUsers" = [{ nmae = "web" }, { name = "x", ensureClauses = { admin = true } }]
                """);
        assertTrue(msg.contains("Entry 1 of services.postgresql.ensureUsers is wrong: it has the unknown key `nmae'"),
                msg);
        assertTrue(msg.contains("`ensureClauses.admin' is not a clause (known: superuser, createrole"), msg);
        assertTrue(msg.contains("vm-images/hosts/h.toml:2"), msg);
    }

    @Test
    void postgresqlPackageMustBeAServerPackage() {
        String msg = rejected("""
                "services.postgresql.enable" = true
                "services.postgresql.package" = "postgresql-client"
                """);
        assertTrue(msg.contains("must be a Debian server package postgresql-<major>"), msg);
        assertTrue(msg.contains("h.toml:2"), msg);
    }
}
