package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Provenance;
import io.hostspec.module.Types;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code services.restic.backups.<name>} as in NixOS, with Debian's restic: a oneshot
 * {@code restic-backups-<name>.service} that (optionally) initializes the repository, backs the paths up, forgets
 * and prunes by {@code pruneOpts} and then checks the repository; a {@code restic-backups-<name>.timer} from
 * {@code timerConfig} (none when it is null); and, like NixOS, a wrapper command {@code restic-<name>} with the
 * repository, password and options of the backup, for restores and inspection.
 *
 * <p>A backup path that does not exist when the unit runs fails the unit before restic starts, with a message that
 * names the paths and the file:line of their definition: at evaluation hostspec cannot know which paths packages,
 * services or users create.
 */
final class ResticRealizer implements Realizer {

    private static final String P = "services.restic.backups";
    static final String WRAPPERS = "/usr/local/bin/";
    static final String EXCLUDES = "/etc/hostspec/restic/";

    @Override
    public List<OptionDecl> options() {
        String b = P + ".<name>.";
        return new Declarations("services.restic")
                .add(b + "paths", Types.listOf(Types.str()), List.of(), "Files and directories to back up.")
                .add(b + "exclude", Types.listOf(Types.str()), List.of(),
                        "Patterns to exclude (restic's --exclude-file).")
                .add(b + "repository", Types.nullOr(Types.str()), null,
                        "The repository, e.g. sftp:backup@store:/srv/restic or /mnt/backup; or repositoryFile.")
                .add(b + "repositoryFile", Types.nullOr(Types.path()), null, "A file holding the repository.")
                .required(b + "passwordFile", Types.str(), "A file holding the repository's password.")
                .add(b + "environmentFile", Types.nullOr(Types.str()), null,
                        "A file of environment variables for restic (credentials of a backend).")
                .add(b + "initialize", Types.bool(), false, "Whether to create the repository when it does not exist.")
                .add(b + "timerConfig", Types.nullOr(Types.attrsOf(Types.anything())),
                        new java.util.TreeMap<>(Map.of("OnCalendar", "daily", "Persistent", true)),
                        "The [Timer] section of restic-backups-<name>.timer; null: no timer.")
                .add(b + "pruneOpts", Types.listOf(Types.str()), List.of(),
                        "Options of `restic forget --prune' run after the backup, e.g. \"--keep-daily 7\"; "
                                + "empty: nothing is forgotten.")
                .add(b + "checkOpts", Types.listOf(Types.str()), List.of(), "Options of `restic check'.")
                .add(b + "runCheck", Types.nullOr(Types.bool()), null,
                        "Whether to run `restic check' after the backup; null: when pruneOpts or checkOpts are set.")
                .add(b + "extraBackupArgs", Types.listOf(Types.str()), List.of(),
                        "Extra arguments of `restic backup', e.g. \"--one-file-system\".")
                .add(b + "extraOptions", Types.listOf(Types.str()), List.of(),
                        "restic -o options, e.g. \"sftp.command='ssh backup@store -i /root/.ssh/id_ed25519 -s sftp'\".")
                .add(b + "user", Types.str(), "root", "The user the backup runs as.")
                .add(b + "backupPrepareCommand", Types.nullOr(Types.lines()), null, "Shell commands run before.")
                .add(b + "backupCleanupCommand", Types.nullOr(Types.lines()), null, "Shell commands run after.")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        for (String name : config.names(P)) {
            Config.Scope b = config.scope(P, name);
            String[] from = {b.name("paths"), b.name("exclude"), b.name("repository"), b.name("repositoryFile"),
                    b.name("passwordFile"), b.name("environmentFile"), b.name("initialize"), b.name("pruneOpts"),
                    b.name("checkOpts"), b.name("runCheck"), b.name("extraBackupArgs"), b.name("extraOptions"),
                    b.name("user"), b.name("backupPrepareCommand"), b.name("backupCleanupCommand")};
            if ((b.str("repository") == null) == (b.str("repositoryFile") == null)) {
                throw recipe.error("The restic backup `" + name + "' needs exactly one of repository and "
                        + "repositoryFile.", b.name("repository"), b.name("repositoryFile"));
            }
            if (b.strings("paths").isEmpty()) {
                throw recipe.error("The restic backup `" + name + "' has no paths to back up.", b.name("paths"));
            }
            String id = "restic-backups-" + name;
            recipe.pkg("restic", b.name("repository"), b.name("repositoryFile"), b.name("paths"));
            recipe.pkg("openssh-client", b.name("repository"), b.name("repositoryFile"));
            recipe.script(WRAPPERS + "restic-" + name, wrapper(b, id), from);
            if (!b.strings("exclude").isEmpty()) {
                recipe.file(EXCLUDES + name + ".exclude", String.join("\n", b.strings("exclude")) + "\n",
                        b.name("exclude"));
            }
            String script = SystemdRealizer.SCRIPTS + id + ".sh";
            recipe.script(script, backupScript(config, b, name), from);
            recipe.unit(id + ".service", """
                    [Unit]
                    Description=restic backup %1$s
                    Wants=network-online.target
                    After=network-online.target

                    [Service]
                    Type=oneshot
                    User=%2$s
                    ExecStart=%3$s
                    RuntimeDirectory=%4$s
                    CacheDirectory=%4$s
                    CacheDirectoryMode=0700
                    PrivateTmp=true
                    """.formatted(name, b.str("user"), script, id), List.of(), false, from);
            @SuppressWarnings("unchecked")
            Map<String, Object> timer = (Map<String, Object>) b.get("timerConfig");
            if (timer != null) {
                StringBuilder t = new StringBuilder("[Unit]\nDescription=Timer of the restic backup " + name
                        + "\n\n[Timer]\n");
                SystemdRealizer.serviceKeys(t, new java.util.TreeMap<>(timer));
                t.append("\n[Install]\nWantedBy=timers.target\n");
                recipe.unit(id + ".timer", t.toString(), List.of("timers.target"), false, b.name("timerConfig"));
            }
        }
    }

    /** {@code restic-<name>}: restic with the backup's repository, password, cache and options. */
    private static String wrapper(Config.Scope b, String id) {
        StringBuilder s = new StringBuilder("#!/bin/sh\n# restic with the settings of " + io.hostspec.module.OptionPath.format(b.path()) + "\n");
        if (b.str("repository") != null) {
            s.append("export RESTIC_REPOSITORY=").append(quote(b.str("repository"))).append('\n');
        } else {
            s.append("export RESTIC_REPOSITORY_FILE=").append(quote(b.str("repositoryFile"))).append('\n');
        }
        s.append("export RESTIC_PASSWORD_FILE=").append(quote(b.str("passwordFile"))).append('\n')
                .append("export RESTIC_CACHE_DIR=\"${RESTIC_CACHE_DIR:-/var/cache/").append(id).append("}\"\n");
        if (b.str("environmentFile") != null) {
            s.append("set -a\n. ").append(quote(b.str("environmentFile"))).append("\nset +a\n");
        }
        // written into the script as NixOS writes them, so that the shell removes their quotes
        String options = b.strings("extraOptions").stream().map(o -> " -o " + o).collect(Collectors.joining());
        return s.append("exec /usr/bin/restic").append(options).append(" \"$@\"\n").toString();
    }

    private static String backupScript(Config config, Config.Scope b, String name) {
        String restic = WRAPPERS + "restic-" + name;
        List<String> paths = b.strings("paths");
        String where = config.definedAt(b.path("paths")).stream().map(Provenance::toString)
                .collect(Collectors.joining(", "));
        StringBuilder s = new StringBuilder("#!/bin/sh\n# " + io.hostspec.module.OptionPath.format(b.path()) + "\nset -eu\nmissing=\n");
        s.append("for p in ").append(paths.stream().map(ResticRealizer::quote).collect(Collectors.joining(" ")))
                .append("; do\n  [ -e \"$p\" ] || missing=\"$missing $p\"\ndone\n")
                .append("if [ -n \"$missing\" ]; then\n  echo \"restic-backups-").append(name)
                .append(": backup path(s)$missing do not exist (").append(b.name("paths")).append(", defined at ")
                .append(where.isEmpty() ? "its default" : where).append(")\" >&2\n  exit 1\nfi\n");
        if (b.str("backupPrepareCommand") != null) {
            s.append(b.str("backupPrepareCommand")).append('\n');
        }
        if (b.bool("initialize")) {
            s.append(restic).append(" cat config >/dev/null 2>&1 || ").append(restic).append(" init\n");
        }
        List<String> backup = new ArrayList<>(List.of(restic, "backup"));
        if (!b.strings("exclude").isEmpty()) {
            backup.add("--exclude-file=" + EXCLUDES + name + ".exclude");
        }
        backup.addAll(b.strings("extraBackupArgs"));
        s.append(String.join(" ", backup)).append(" -- ")
                .append(paths.stream().map(ResticRealizer::quote).collect(Collectors.joining(" "))).append('\n');
        List<String> prune = b.strings("pruneOpts");
        if (!prune.isEmpty()) {
            s.append(restic).append(" forget --prune ").append(String.join(" ", prune)).append('\n');
        }
        Object runCheck = b.get("runCheck");
        boolean check = runCheck != null ? (Boolean) runCheck : !prune.isEmpty() || !b.strings("checkOpts").isEmpty();
        if (check) {
            s.append(restic).append(" check ").append(String.join(" ", b.strings("checkOpts"))).append('\n');
        }
        if (b.str("backupCleanupCommand") != null) {
            s.append(b.str("backupCleanupCommand")).append('\n');
        }
        return s.toString();
    }

    /** A POSIX shell single-quoted word. */
    static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
