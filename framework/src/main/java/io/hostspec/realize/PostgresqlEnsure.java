package io.hostspec.realize;

import io.hostspec.module.ConfigError;
import io.hostspec.module.ConfigException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code ensureDatabases} and {@code ensureUsers} of {@code services.postgresql}: the entries read and checked
 * (NixOS' submodule {@code name, ensureDBOwnership, ensureClauses}) and the idempotent SQL that applies them, in
 * NixOS' order: databases first, then each user created when missing, given its database and its clauses.
 */
final class PostgresqlEnsure {

    private static final String OPTION = "services.postgresql.ensureUsers";
    private static final String DATABASES = "services.postgresql.ensureDatabases";
    /** NixOS' ensureClauses, in its order, with the SQL keyword of each. */
    private static final Map<String, String> CLAUSES = clauses();
    private static final Set<String> USER_KEYS = Set.of("name", "ensureDBOwnership", "ensureClauses");

    /**
     * One entry of {@code ensureUsers}.
     *
     * @param name              the role
     * @param ensureDBOwnership whether the database of the same name is given to it
     * @param clauses           role attributes to set, by ensureClauses key ({@code login = true}), in NixOS' order
     */
    record User(String name, boolean ensureDBOwnership, Map<String, Boolean> clauses) {
    }

    private PostgresqlEnsure() {
    }

    /**
     * Reads and checks {@code ensureUsers} (NixOS asserts that a user with {@code ensureDBOwnership} has a database of
     * its name in {@code ensureDatabases}).
     *
     * @throws ConfigException naming every bad entry and the file:line of the definitions involved
     */
    static List<User> users(List<?> entries, List<String> databases, RecipeBuilder recipe) {
        List<User> users = new ArrayList<>();
        List<ConfigError> errors = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            String at = "Entry " + (i + 1) + " of " + OPTION;
            if (!(entries.get(i) instanceof Map<?, ?> entry)) {
                errors.addAll(recipe.error(at + " must be a table { name = \"...\", ensureDBOwnership = ..., "
                        + "ensureClauses = { ... } }, got " + entries.get(i) + ".", OPTION).errors());
                continue;
            }
            List<String> problems = new ArrayList<>();
            for (Object key : entry.keySet()) {
                if (!USER_KEYS.contains(String.valueOf(key))) {
                    problems.add("it has the unknown key `" + key + "' (known: name, ensureDBOwnership, "
                            + "ensureClauses)");
                }
            }
            Object name = entry.get("name");
            if (!(name instanceof String s) || s.isEmpty()) {
                problems.add("its `name' must be a non-empty string, got " + (name == null ? "nothing" : name));
            }
            Object owner = entry.containsKey("ensureDBOwnership") ? entry.get("ensureDBOwnership") : Boolean.FALSE;
            if (!(owner instanceof Boolean)) {
                problems.add("its `ensureDBOwnership' must be true or false, got " + owner);
            }
            Map<String, Boolean> clauses = clauses(entry.get("ensureClauses"), problems);
            if (!problems.isEmpty()) {
                errors.addAll(recipe.error(at + " is wrong: " + String.join("; ", problems) + ".", OPTION).errors());
                continue;
            }
            User user = new User((String) name, (Boolean) owner, clauses);
            if (user.ensureDBOwnership() && !databases.contains(user.name())) {
                errors.addAll(recipe.error("For each database user defined with `" + OPTION + "' and "
                        + "`ensureDBOwnership = true', a database with the same name must be defined in `"
                        + DATABASES + "'. Offender: " + user.name() + " has not been found among databases "
                        + databases + ".", OPTION, DATABASES).errors());
                continue;
            }
            users.add(user);
        }
        if (!errors.isEmpty()) {
            throw new ConfigException(errors);
        }
        return users;
    }

    private static Map<String, Boolean> clauses(Object value, List<String> problems) {
        Map<String, Boolean> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (!(value instanceof Map<?, ?> m)) {
            problems.add("its `ensureClauses' must be a table such as { login = true }, got " + value);
            return out;
        }
        for (Map.Entry<?, ?> e : m.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!CLAUSES.containsKey(key)) {
                problems.add("`ensureClauses." + key + "' is not a clause (known: "
                        + String.join(", ", CLAUSES.keySet()) + ")");
            } else if (!(e.getValue() instanceof Boolean)) {
                problems.add("`ensureClauses." + key + "' must be true or false, got " + e.getValue());
            }
        }
        // NixOS' order, whatever order the table was written in
        CLAUSES.keySet().forEach(k -> {
            if (m.get(k) instanceof Boolean b) {
                out.put(k, b);
            }
        });
        return out;
    }

    /** The SQL that applies the databases and users; every statement may run again without harm. */
    static String sql(List<String> databases, List<User> users) {
        StringBuilder b = new StringBuilder("-- Generated by hostspec from services.postgresql.ensureDatabases and "
                + "ensureUsers\n");
        for (String db : databases) {
            b.append("SELECT ").append(literal("CREATE DATABASE " + ident(db)))
                    .append(" WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = ").append(literal(db))
                    .append(")\\gexec\n");
        }
        for (User u : users) {
            b.append("SELECT ").append(literal("CREATE USER " + ident(u.name())))
                    .append(" WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ").append(literal(u.name()))
                    .append(")\\gexec\n");
            if (u.ensureDBOwnership()) {
                b.append("ALTER DATABASE ").append(ident(u.name())).append(" OWNER TO ").append(ident(u.name()))
                        .append(";\n");
            }
            if (!u.clauses().isEmpty()) {
                b.append("ALTER ROLE ").append(ident(u.name())).append(" WITH");
                u.clauses().forEach((k, on) -> b.append(' ').append(on ? "" : "NO").append(CLAUSES.get(k)));
                b.append(";\n");
            }
        }
        return b.toString();
    }

    /** An SQL identifier, always quoted: {@code "a""b"}. */
    static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    /** An SQL string literal: {@code 'it''s'}. */
    static String literal(String text) {
        return '\'' + text.replace("'", "''") + '\'';
    }

    private static Map<String, String> clauses() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("superuser", "SUPERUSER");
        m.put("createrole", "CREATEROLE");
        m.put("createdb", "CREATEDB");
        m.put("inherit", "INHERIT");
        m.put("login", "LOGIN");
        m.put("replication", "REPLICATION");
        m.put("bypassrls", "BYPASSRLS");
        return java.util.Collections.unmodifiableMap(m);
    }
}
