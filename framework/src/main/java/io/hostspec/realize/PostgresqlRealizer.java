package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code services.postgresql} with NixOS' options on Debian's PostgreSQL (15 in bookworm) and Debian's cluster
 * layout: the cluster {@code <major>/main}, its configuration in /etc/postgresql/<major>/main (postgresql.conf from
 * {@code settings}, pg_hba.conf from {@code authentication}, pg_ident.conf from {@code identMap}) and its data in
 * {@code dataDir} (default /var/lib/postgresql/<major>/main, the directory Debian's package initializes).
 *
 * <p>The server is one unit, {@code postgresql.service}, as in NixOS (it replaces Debian's umbrella unit; the
 * cluster's own start.conf says {@code manual}, so Debian's {@code postgresql@<major>-main} never runs beside it):
 * it runs {@code postgres} as the user postgres, after creating the data directory with initdb when it has none. As
 * NixOS' postStart does, a oneshot {@code postgresql-setup.service} then runs {@code initialScript} once (the first
 * time it succeeds on that data directory) and applies {@code ensureDatabases} and {@code ensureUsers} on every
 * start. A changed configuration restarts the server (the unit names a hash of its files, as NixOS' restart triggers
 * do).
 *
 * <p>{@code authentication} and {@code identMap} come first; NixOS' defaults follow them (local peer access, the
 * postgres map for the users postgres and root, md5 over loopback), so a user's lines decide before the defaults.
 */
final class PostgresqlRealizer implements Realizer {

    private static final String P = "services.postgresql.";
    private static final Pattern SERVER_PACKAGE = Pattern.compile("postgresql-(\\d+)");
    static final String SOCKET_DIR = "/var/run/postgresql";
    static final String SETUP_SQL = "/etc/hostspec/postgresql-ensure.sql";
    static final String INITIAL_DONE = ".hostspec-initial-script-done";

    static final String DEFAULT_AUTHENTICATION = """
            # default value of services.postgresql.authentication
            local all postgres         peer map=postgres
            local all all              peer
            host  all all 127.0.0.1/32 md5
            host  all all ::1/128      md5
            """;
    static final String DEFAULT_IDENT_MAP = """
            # default value of services.postgresql.identMap
            postgres postgres postgres
            postgres root     postgres
            """;

    @Override
    public List<OptionDecl> options() {
        String u = "(name, ensureDBOwnership, ensureClauses)";
        return new Declarations("services.postgresql")
                .add(P + "enable", Types.bool(), false, "Whether to run PostgreSQL.")
                .add(P + "package", Types.pkg(), "postgresql-15",
                        "The Debian server package, postgresql-<major> (bookworm has postgresql-15).")
                .add(P + "port", Types.port(), 5432L, "The port PostgreSQL listens on.")
                .add(P + "enableTCPIP", Types.bool(), false,
                        "Whether to listen on all network interfaces; otherwise only on localhost and the socket.")
                .add(P + "dataDir", Types.nullOr(Types.path()), null,
                        "The data directory; null: /var/lib/postgresql/<major>/main.")
                .add(P + "settings", Types.attrsOf(Types.anything()), Map.of(),
                        "postgresql.conf settings; they override the generated ones (port, listen_addresses, "
                                + "hba_file, ident_file, log_destination). Strings are quoted, booleans on/off, "
                                + "lists joined with commas.")
                .add(P + "authentication", Types.lines(), "",
                        "pg_hba.conf lines, placed before the defaults (local peer, md5 over loopback).")
                .add(P + "identMap", Types.lines(), "", "pg_ident.conf lines, placed before the defaults.")
                .add(P + "ensureDatabases", Types.listOf(Types.str()), List.of(),
                        "Databases created when missing, at every start.")
                .add(P + "ensureUsers", Types.listOf(Types.anything()), List.of(),
                        "Users created when missing, at every start: a list of tables " + u
                                + "; ensureDBOwnership gives the user the database of its name, ensureClauses sets "
                                + "role attributes (superuser, createrole, createdb, inherit, login, replication, "
                                + "bypassrls).")
                .add(P + "initialScript", Types.nullOr(Types.path()), null,
                        "A file of SQL statements run once, the first time the server starts on its data.")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        String enable = P + "enable";
        if (!config.bool(enable)) {
            return;
        }
        String pkg = config.str(P + "package");
        Matcher m = SERVER_PACKAGE.matcher(pkg);
        if (!m.matches()) {
            throw recipe.error("services.postgresql.package must be a Debian server package postgresql-<major> "
                    + "(bookworm has postgresql-15), got \"" + pkg + "\".", P + "package");
        }
        String major = m.group(1);
        String confDir = "/etc/postgresql/" + major + "/main";
        String dataDir = config.str(P + "dataDir") != null ? config.str(P + "dataDir")
                : "/var/lib/postgresql/" + major + "/main";
        long port = config.integer(P + "port");
        List<String> databases = config.strings(P + "ensureDatabases");
        List<PostgresqlEnsure.User> users = PostgresqlEnsure.users((List<?>) config.get(P + "ensureUsers"),
                databases, recipe);

        recipe.pkg(pkg, enable, P + "package");
        recipe.stateDir("/var/lib/postgresql", enable, P + "dataDir");
        String hba = "# Generated file; do not edit!\n" + block(config.str(P + "authentication"))
                + DEFAULT_AUTHENTICATION;
        String ident = "# Generated file; do not edit!\n" + block(config.str(P + "identMap")) + DEFAULT_IDENT_MAP;
        String conf = postgresqlConf(config, confDir, dataDir, port);
        recipe.file(new Recipe.FileEntry(confDir + "/pg_hba.conf", hba, "0640", "postgres", "postgres"),
                enable, P + "authentication");
        recipe.file(new Recipe.FileEntry(confDir + "/pg_ident.conf", ident, "0640", "postgres", "postgres"),
                enable, P + "identMap");
        recipe.file(new Recipe.FileEntry(confDir + "/postgresql.conf", conf, "0644", "postgres", "postgres"),
                enable, P + "settings", P + "port", P + "enableTCPIP", P + "dataDir", P + "package");
        // Debian's generator starts clusters marked "auto" with postgresql.service: this one is ours to run
        recipe.file(new Recipe.FileEntry(confDir + "/start.conf", "manual\n", "0644", "postgres", "postgres"),
                enable);
        String bin = "/usr/lib/postgresql/" + major + "/bin";
        String init = SystemdRealizer.SCRIPTS + "postgresql-init.sh";
        recipe.script(init, """
                #!/bin/sh
                # Creates the data directory when it has none (Debian's package normally made it already).
                set -e
                if [ ! -e "$PGDATA/PG_VERSION" ]; then
                  mkdir -p "$PGDATA"
                  chmod 0700 "$PGDATA"
                  %s/initdb -D "$PGDATA" -U postgres
                fi
                """.formatted(bin), enable, P + "package", P + "dataDir");
        recipe.unit("postgresql.service", serverUnit(bin, confDir, dataDir, ReloadTriggers.of(conf, hba, ident)),
                List.of("multi-user.target"), false, enable, P + "package", P + "dataDir", P + "settings",
                P + "authentication", P + "identMap", P + "port", P + "enableTCPIP");
        setup(config, recipe, dataDir, effectivePort(config, port), databases, users);
    }

    private static void setup(Config config, RecipeBuilder recipe, String dataDir, String port,
                              List<String> databases, List<PostgresqlEnsure.User> users) {
        String enable = P + "enable";
        String sql = PostgresqlEnsure.sql(databases, users);
        recipe.file(SETUP_SQL, sql, enable, P + "ensureDatabases", P + "ensureUsers");
        String initial = config.str(P + "initialScript");
        StringBuilder script = new StringBuilder("""
                #!/bin/sh
                # services.postgresql: the initial script once, then ensureDatabases and ensureUsers (NixOS' postStart).
                set -e
                PSQL="psql -X -q -v ON_ERROR_STOP=1 -d postgres"
                """);
        if (initial != null) {
            script.append("""
                    if [ ! -e "$PGDATA/%2$s" ]; then
                      $PSQL -f %1$s
                      touch "$PGDATA/%2$s"
                    fi
                    """.formatted(initial, INITIAL_DONE));
        }
        script.append("$PSQL -f ").append(SETUP_SQL).append('\n');
        String path = SystemdRealizer.SCRIPTS + "postgresql-setup.sh";
        recipe.script(path, script.toString(), enable, P + "initialScript");
        recipe.unit("postgresql-setup.service", """
                [Unit]
                Description=PostgreSQL setup: initialScript, ensureDatabases, ensureUsers
                Requires=postgresql.service
                After=postgresql.service
                PartOf=postgresql.service
                X-Restart-Triggers=%1$s

                [Service]
                Type=oneshot
                RemainAfterExit=yes
                User=postgres
                Group=postgres
                Environment=PGDATA=%2$s
                Environment=PGPORT=%3$s
                Environment=PGHOST=%4$s
                ExecStart=%5$s

                [Install]
                WantedBy=multi-user.target
                """.formatted(ReloadTriggers.of(script.toString(), sql), dataDir, port, SOCKET_DIR, path),
                List.of("multi-user.target"), false, enable, P + "ensureDatabases", P + "ensureUsers",
                P + "initialScript");
    }

    /** The port the server really listens on: {@code settings.port} wins over {@code port}, as it is written last. */
    private static String effectivePort(Config config, long port) {
        Object s = config.scope("services.postgresql").table("settings").get("port");
        return s != null ? String.valueOf(s) : String.valueOf(port);
    }

    static String postgresqlConf(Config config, String confDir, String dataDir, long port) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("data_directory", dataDir);
        s.put("hba_file", confDir + "/pg_hba.conf");
        s.put("ident_file", confDir + "/pg_ident.conf");
        s.put("unix_socket_directories", SOCKET_DIR);
        s.put("listen_addresses", config.bool(P + "enableTCPIP") ? "*" : "localhost");
        s.put("port", port);
        s.put("log_destination", "stderr");
        s.putAll(config.scope("services.postgresql").table("settings"));
        StringBuilder b = new StringBuilder("# Generated by hostspec from services.postgresql.settings\n");
        s.forEach((k, v) -> b.append(k).append(" = ").append(value(v)).append('\n'));
        return b.toString();
    }

    /** A postgresql.conf value as NixOS writes it: booleans on/off, numbers bare, strings and lists quoted. */
    static String value(Object v) {
        if (v instanceof Boolean bool) {
            return bool ? "on" : "off";
        }
        if (v instanceof Number) {
            return v.toString();
        }
        if (v instanceof List<?> list) {
            return quote(String.join(", ", list.stream().map(String::valueOf).toList()));
        }
        return quote(String.valueOf(v));
    }

    private static String quote(String s) {
        return "'" + s.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    private static String block(String lines) {
        return lines.isBlank() ? "" : lines.endsWith("\n") ? lines : lines + "\n";
    }

    static String serverUnit(String bin, String confDir, String dataDir, String triggers) {
        return """
                [Unit]
                Description=PostgreSQL Server
                After=network.target
                X-Restart-Triggers=%4$s

                [Service]
                Type=notify
                User=postgres
                Group=postgres
                Environment=PGDATA=%3$s
                ExecStartPre=%5$s
                ExecStart=%1$s/postgres -D %2$s
                ExecReload=/bin/kill -HUP $MAINPID
                KillSignal=SIGINT
                KillMode=mixed
                TimeoutSec=120
                RuntimeDirectory=postgresql
                RuntimeDirectoryMode=2775
                RuntimeDirectoryPreserve=yes

                [Install]
                WantedBy=multi-user.target
                """.formatted(bin, confDir, dataDir, triggers, SystemdRealizer.SCRIPTS + "postgresql-init.sh");
    }
}
