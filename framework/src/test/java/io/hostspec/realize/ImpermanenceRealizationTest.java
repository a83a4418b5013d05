package io.hostspec.realize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** environment.persistence: the init that resets the root, its binds, and the rejected inputs. */
class ImpermanenceRealizationTest {

    @TempDir
    Path root;

    private Recipe realize(String host) throws IOException {
        return TestHost.realize(root, host);
    }

    private String rejected(String host) {
        return TestHost.rejected(root, host);
    }

    @Test
    void persistenceReplacesInitWithTheResettingOneAndBindsEachPath() throws IOException {
        Recipe r = realize("""
                [environment.persistence."/persist"]
                hideMounts = true
                directories = ["/var/lib/app", { directory = "/srv/data", user = "nobody", group = "nogroup", mode = "0700" }]
                files = ["/etc/machine-id", { file = "/etc/ssh/ssh_host_ed25519_key" }]
                """);
        Recipe.FileEntry init = r.files().get(ImpermanenceRealizer.INIT);
        assertEquals("0755", init.mode());
        String s = init.content();
        assertTrue(s.startsWith("#!/bin/sh\n"), s);
        assertTrue(s.contains("mount -t overlay hostspec-root -o \"lowerdir=/,upperdir=$eph/upper,workdir=$eph/work\""), s);
        assertTrue(s.contains("\nstorage '/persist'\n"
                + "directory '/persist' '/var/lib/app' 'root' 'root' 0755\n"
                + "directory '/persist' '/srv/data' 'nobody' 'nogroup' 0700\n"
                + "file '/persist' '/etc/machine-id'\n"
                + "file '/persist' '/etc/ssh/ssh_host_ed25519_key'\n"), s);
        assertTrue(s.contains("pivot_root . \"./.hostspec/disk\""), s);
        assertTrue(s.endsWith("exec \"$systemd\"\n"), s);
        assertTrue(s.contains("r=/var/lib/hostspec/generations"), s);
        assertTrue(r.stateDirs().contains("/persist"));
    }

    @Test
    void hostsWithoutPersistenceKeepDebiansInit() throws IOException {
        Recipe r = realize("services.nginx.enable = true\n");
        assertFalse(r.files().containsKey(ImpermanenceRealizer.INIT));
        assertFalse(r.stateDirs().contains("/persist"));
    }

    @Test
    void aRelativePathIsRejectedWithItsLine() {
        String m = rejected("""
                [environment.persistence."/persist"]
                directories = ["var/lib/app"]
                """);
        assertTrue(m.contains("\"var/lib/app\" is not an absolute path"), m);
        assertTrue(m.contains("vm-images/hosts/h.toml:2"), m);
    }

    @Test
    void aPathPersistedTwiceIsRejectedWithBothLines() {
        String m = rejected("""
                [environment.persistence."/persist"]
                directories = ["/var/lib/app"]

                [environment.persistence."/state"]
                directories = [{ directory = "/var/lib/app/" }]
                """);
        assertTrue(m.contains("/var/lib/app is persisted twice (in /persist and in /state)"), m);
        assertTrue(m.contains("h.toml:2"), m);
        assertTrue(m.contains("h.toml:5"), m);
    }

    @Test
    void aStorageThatIsNotAbsoluteAndABadModeAreRejected() {
        assertTrue(rejected("""
                [environment.persistence.persist]
                directories = ["/var/lib/app"]
                """).contains("is not an absolute path below /"));
        assertTrue(rejected("""
                [environment.persistence."/persist"]
                directories = [{ directory = "/x", mode = "rwx" }]
                """).contains("which is not octal"));
    }
}
