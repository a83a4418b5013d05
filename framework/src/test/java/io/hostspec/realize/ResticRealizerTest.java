package io.hostspec.realize;

import io.hostspec.module.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** services.restic.backups realized as NixOS does: a oneshot unit, a timer and a restic-NAME wrapper. */
class ResticRealizerTest {

    @TempDir
    Path root;

    private Recipe realize(String host) throws IOException {
        return TestHost.realize(root, host);
    }

    private static final String BACKUP = """
            [services.restic.backups.wiki]
            paths = ["/var/lib/wiki"]
            exclude = ["*.tmp"]
            repository = "sftp:backup@store:/home/backup/wiki"
            passwordFile = "/var/lib/restic/password"
            initialize = true
            pruneOpts = ["--keep-daily 7", "--keep-weekly 5"]
            extraBackupArgs = ["--one-file-system"]
            extraOptions = ["sftp.command='ssh backup@store -i /root/.ssh/id_ed25519 -s sftp'"]
            timerConfig = { OnCalendar = "hourly", RandomizedDelaySec = "5m" }
            """;

    @Test
    void aBackupIsAUnitATimerAndAWrapper() throws IOException {
        Recipe r = realize(BACKUP);
        assertTrue(r.packages().contains("restic"));
        String unit = r.units().get("restic-backups-wiki.service").content();
        assertTrue(unit.contains("Type=oneshot\n") && unit.contains("User=root\n"), unit);
        assertTrue(unit.contains("ExecStart=/etc/hostspec/scripts/restic-backups-wiki.sh\n"), unit);
        assertTrue(unit.contains("CacheDirectory=restic-backups-wiki\n"), unit);
        assertTrue(r.units().get("restic-backups-wiki.service").wantedBy().isEmpty(), "the timer starts it");
        assertEquals("""
                [Unit]
                Description=Timer of the restic backup wiki

                [Timer]
                OnCalendar=hourly
                RandomizedDelaySec=5m

                [Install]
                WantedBy=timers.target
                """, r.units().get("restic-backups-wiki.timer").content());
        assertTrue(r.units().get("restic-backups-wiki.timer").wantedBy().contains("timers.target"));
        String wrapper = r.files().get("/usr/local/bin/restic-wiki").content();
        assertTrue(wrapper.contains("export RESTIC_REPOSITORY='sftp:backup@store:/home/backup/wiki'\n"), wrapper);
        assertTrue(wrapper.contains("export RESTIC_PASSWORD_FILE='/var/lib/restic/password'\n"), wrapper);
        assertTrue(wrapper.contains("exec /usr/bin/restic -o sftp.command='ssh backup@store -i /root/.ssh/id_ed25519 "
                + "-s sftp' \"$@\"\n"), wrapper);
        String script = r.files().get("/etc/hostspec/scripts/restic-backups-wiki.sh").content();
        assertTrue(script.contains("/usr/local/bin/restic-wiki cat config >/dev/null 2>&1 || "
                + "/usr/local/bin/restic-wiki init\n"), script);
        assertTrue(script.contains("/usr/local/bin/restic-wiki backup --exclude-file=/etc/hostspec/restic/wiki.exclude "
                + "--one-file-system -- '/var/lib/wiki'\n"), script);
        assertTrue(script.contains("/usr/local/bin/restic-wiki forget --prune --keep-daily 7 --keep-weekly 5\n"), script);
        assertTrue(script.contains("/usr/local/bin/restic-wiki check \n"), "pruning implies a check: " + script);
        assertTrue(script.contains("[ -e \"$p\" ] || missing=\"$missing $p\""), script);
        assertTrue(script.contains("backup path(s)$missing do not exist (services.restic.backups.wiki.paths, defined at "
                + "vm-images/hosts/h.toml:2)\" >&2\n  exit 1\n"), "a missing path fails, naming its line: " + script);
        assertEquals("*.tmp\n", r.files().get("/etc/hostspec/restic/wiki.exclude").content());
    }

    @Test
    void defaultsAreADailyPersistentTimerAndNoInitNoPruneNoCheck() throws IOException {
        Recipe r = realize("""
                [services.restic.backups.home]
                paths = ["/home"]
                repository = "/srv/restic"
                passwordFile = "/etc/restic.pass"
                """);
        assertTrue(r.units().get("restic-backups-home.timer").content().contains("OnCalendar=daily\nPersistent=true\n"));
        String script = r.files().get("/etc/hostspec/scripts/restic-backups-home.sh").content();
        assertFalse(script.contains(" init"), script);
        assertFalse(script.contains("forget"), script);
        assertFalse(script.contains(" check"), script);
    }

    @Test
    void aBackupWithoutPasswordFileOrRepositoryIsRejectedWithItsLine() {
        ConfigException noRepo = assertThrows(ConfigException.class, () -> realize("""
                [services.restic.backups.x]
                paths = ["/home"]
                passwordFile = "/p"
                """));
        assertTrue(noRepo.getMessage().contains("needs exactly one of repository and repositoryFile"),
                noRepo.getMessage());
        ConfigException noPassword = assertThrows(ConfigException.class, () -> realize("""
                [services.restic.backups.x]
                paths = ["/home"]
                repository = "/srv"
                """));
        assertTrue(noPassword.getMessage().contains("services.restic.backups.x.passwordFile' is used but not defined"),
                noPassword.getMessage());
    }
}
