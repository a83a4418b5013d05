package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code environment.persistence.<storage>.{directories, files, hideMounts}} with the option names of
 * nix-community/impermanence, and a root file system that is reset on every boot.
 *
 * <p>The design (docs/impermanence.md): the image's {@code /sbin/init} becomes {@value #INIT_DESCRIPTION}. Run as PID 1
 * by the initramfs, it mounts an overlay whose lower layer is the image's own disk and whose upper layer is a fresh
 * tmpfs, so everything written to / lands in RAM and is gone at the next boot; it bind-mounts the disk's
 * {@code <storage>} directory (e.g. /persist) into it, and every declared directory and file from there to its place;
 * it gives the reset root a new identity (machine-id, SSH host keys) unless those files are declared; keeps hostspec's
 * generation record on the disk; then pivots into the overlay (the disk stays visible at {@value #DISK}) and hands over
 * to systemd. Hosts that declare no persistence get nothing of this: their images stay byte-identical.
 */
final class ImpermanenceRealizer implements Realizer {

    private static final String P = "environment.persistence";
    private static final String INIT_DESCRIPTION = "hostspec's impermanence init";
    /** PID 1 of an impermanent image (Debian's /sbin/init is a link to systemd, which it replaces). */
    static final String INIT = "/sbin/init";
    /** Where the image's disk is visible in the running system. */
    static final String DISK = "/.hostspec/disk";
    /** hostspec's generation record (io.hostspec.image.GenerationRecord.DIR): kept on the disk. */
    static final String RECORD_DIR = "/var/lib/hostspec/generations";

    @Override
    public List<OptionDecl> options() {
        String s = P + ".<name>.";
        return new Declarations(P)
                .add(s + "enable", Types.bool(), true, "Whether to bind this storage's paths.")
                .add(s + "directories", Types.listOf(Types.anything()), List.of(), "Directories kept in the storage: "
                        + "absolute paths, or tables { directory, user, group, mode } (root, root, \"0755\").")
                .add(s + "files", Types.listOf(Types.anything()), List.of(),
                        "Files kept in the storage: absolute paths, or tables { file }.")
                .add(s + "hideMounts", Types.bool(), false,
                        "Hide the bind mounts from file managers (accepted; hostspec's binds are not in fstab).")
                .list();
    }

    /** One persisted path. */
    record Entry(String path, boolean directory, String user, String group, String mode, String storage,
                         String option) {
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        List<Entry> entries = new ArrayList<>();
        List<String> storages = new ArrayList<>();
        List<String> from = new ArrayList<>();
        for (String storage : config.names(P)) {
            Config.Scope st = config.scope(P, storage);
            if (!st.bool("enable")) {
                continue;
            }
            from.addAll(List.of(st.name("enable"), st.name("directories"), st.name("files"), st.name("hideMounts")));
            if (!absolute(storage) || storage.equals("/")) {
                throw recipe.error("The persistent storage \"" + storage + "\" is not an absolute path below /: name "
                        + "it like \"/persist\".", st.name("directories"), st.name("files"));
            }
            storages.add(storage);
            for (Object d : (List<?>) st.get("directories")) {
                entries.add(entry(recipe, st, storage, d, true));
            }
            for (Object f : (List<?>) st.get("files")) {
                entries.add(entry(recipe, st, storage, f, false));
            }
        }
        if (storages.isEmpty()) {
            return;
        }
        Map<String, Entry> seen = new LinkedHashMap<>();
        for (Entry e : entries) {
            Entry before = seen.putIfAbsent(e.path(), e);
            if (before != null) {
                throw recipe.error("The path " + e.path() + " is persisted twice (in " + before.storage() + " and in "
                        + e.storage() + "); declare it once.", before.option(), e.option());
            }
            for (String storage : storages) {
                if (e.path().equals(storage) || e.path().startsWith(storage + "/")) {
                    throw recipe.error("The persisted path " + e.path() + " lies inside the storage " + storage
                            + " itself.", e.option());
                }
            }
        }
        String[] all = from.toArray(String[]::new);
        recipe.script(INIT, script(storages, entries), all);
        storages.forEach(s -> recipe.stateDir(s, all));
    }

    private static boolean absolute(String path) {
        return path.startsWith("/") && !path.contains("/../") && !path.endsWith("/..") && !path.contains("//")
                && !path.contains("\n");
    }

    @SuppressWarnings("unchecked")
    private static Entry entry(RecipeBuilder recipe, Config.Scope st, String storage, Object value, boolean dir) {
        String option = st.name(dir ? "directories" : "files");
        String key = dir ? "directory" : "file";
        String path;
        String user = "root";
        String group = "root";
        String mode = "0755";
        if (value instanceof String s) {
            path = s;
        } else if (value instanceof Map<?, ?> m && m.get(key) instanceof String s) {
            path = s;
            Map<String, Object> t = (Map<String, Object>) m;
            for (String k : t.keySet()) {
                if (!List.of(key, "user", "group", "mode", "parentDirectory").contains(k)) {
                    throw recipe.error("An entry of " + option + " has the unknown key `" + k + "'; known: " + key
                            + ", user, group, mode.", option);
                }
            }
            user = String.valueOf(t.getOrDefault("user", user));
            group = String.valueOf(t.getOrDefault("group", group));
            mode = String.valueOf(t.getOrDefault("mode", mode));
            if (!mode.matches("0?[0-7]{3,4}")) {
                throw recipe.error("The persisted " + key + " " + path + " has the mode \"" + mode
                        + "\", which is not octal (e.g. \"0700\").", option);
            }
        } else {
            throw recipe.error("An entry of " + option + " is neither a path nor a table with `" + key + "': "
                    + value + ".", option);
        }
        if (!absolute(path) || path.equals("/")) {
            throw recipe.error("The persisted " + key + " \"" + path + "\" is not an absolute path (persist "
                    + "\"/var/lib/app\", not \"var/lib/app\").", option);
        }
        if (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return new Entry(path, dir, user, group, mode, storage, option);
    }

    /** The PID 1 script: reset root, binds, identity, record, then systemd. */
    static String script(List<String> storages, List<Entry> entries) {
        StringBuilder binds = new StringBuilder();
        for (String storage : storages) {
            binds.append("storage ").append(AcmeRealizer.quote(storage)).append('\n');
        }
        for (Entry e : entries) {
            if (e.directory()) {
                binds.append("directory ").append(AcmeRealizer.quote(e.storage())).append(' ')
                        .append(AcmeRealizer.quote(e.path())).append(' ').append(AcmeRealizer.quote(e.user()))
                        .append(' ').append(AcmeRealizer.quote(e.group())).append(' ').append(e.mode()).append('\n');
            } else {
                binds.append("file ").append(AcmeRealizer.quote(e.storage())).append(' ')
                        .append(AcmeRealizer.quote(e.path())).append('\n');
            }
        }
        return """
                #!/bin/sh
                # %1$s (environment.persistence): PID 1 until systemd. The root file system is an overlay of the
                # image's disk (read through, never written) and a fresh tmpfs, so it is reset on every boot; the
                # declared paths are bound from the persistent storage on the disk. Written by hostspec.
                systemd=/lib/systemd/systemd
                if [ "$$" != 1 ] || [ -e /.dockerenv ] || [ -n "${container:-}" ]; then exec "$systemd"; fi
                log() { echo "hostspec-impermanence: $*" > /dev/kmsg 2>/dev/null || echo "hostspec-impermanence: $*" >&2; }
                fail() { log "$*; booting WITHOUT a reset root"; exec "$systemd"; }
                new=/.hostspec/root
                eph=/.hostspec/ephemeral
                mkdir -p "$new" "$eph" || fail "cannot make its mount points"
                mount -t tmpfs -o mode=0755 hostspec-ephemeral "$eph" || fail "cannot mount a tmpfs"
                mkdir -p "$eph/upper" "$eph/work"
                modprobe overlay 2>/dev/null
                mount -t overlay hostspec-root -o "lowerdir=/,upperdir=$eph/upper,workdir=$eph/work" "$new" \\
                  || fail "cannot mount the overlay root"
                # a reset root gets a new identity at every boot, unless its files are persisted (bound below)
                tr -d - < /proc/sys/kernel/random/uuid > "$new/etc/machine-id"
                if [ -x /usr/bin/ssh-keygen ] && ls "$new"/etc/ssh/ssh_host_*_key > /dev/null 2>&1; then
                  rm -f "$new"/etc/ssh/ssh_host_*
                  /usr/bin/ssh-keygen -A -f "$new" > /dev/null 2>&1 || log "ssh-keygen -A failed"
                fi
                storage() { # STORAGE: the disk's directory, bound at the same path
                  mkdir -p "$1" "$new$1" && mount --bind "$1" "$new$1" || log "cannot bind the storage $1"
                }
                directory() { # STORAGE PATH USER GROUP MODE
                  if [ ! -d "$1$2" ]; then
                    mkdir -p "$1$2" && chown "$3:$4" "$1$2" && chmod "$5" "$1$2" || log "cannot make $1$2"
                  fi
                  mkdir -p "$new$2" && mount --bind "$1$2" "$new$2" || log "cannot bind $2 from $1"
                }
                file() { # STORAGE PATH: first boot takes the reset root's file (or an empty one)
                  if [ ! -e "$1$2" ]; then
                    mkdir -p "$(dirname "$1$2")"
                    if [ -e "$new$2" ]; then cp -a "$new$2" "$1$2"; else : > "$1$2"; fi
                  fi
                  mkdir -p "$(dirname "$new$2")"
                  [ -e "$new$2" ] || : > "$new$2"
                  mount --bind "$1$2" "$new$2" || log "cannot bind $2 from $1"
                }
                %2$s# hostspec's generation record stays on the disk; the reset root runs the image's generation 1 again
                r=%3$s
                mkdir -p "$r" "$new$r" && mount --bind "$r" "$new$r" || log "cannot bind $r"
                if [ -f "$r/current" ] && [ "$(cat "$r/current")" != 1 ]; then
                  printf '1\\treset\\t%%s\\t%%s\\n' "$(head -n 1 "$r/history" | cut -f 3)" \\
                    "$(date -u +%%Y-%%m-%%dT%%H:%%M:%%SZ)" >> "$r/history"
                  echo 1 > "$r/current.new" && mv -f "$r/current.new" "$r/current"
                fi
                # the API file systems the initramfs mounted go along (last: mount reads /proc until here)
                for d in dev proc sys run; do mount --move "/$d" "$new/$d" || log "cannot move /$d"; done
                mkdir -p "$new%4$s"
                cd "$new" && pivot_root . ".%4$s" || fail "pivot_root failed"
                cd /
                exec "$systemd"
                """.formatted(INIT_DESCRIPTION, binds, RECORD_DIR, DISK);
    }
}
