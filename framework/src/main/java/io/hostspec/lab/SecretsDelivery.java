package io.hostspec.lab;

import io.hostspec.machine.ExecResult;
import io.hostspec.machine.Machine;
import io.hostspec.machine.MachineException;
import io.hostspec.machine.Shell;
import io.hostspec.machine.Timeouts;
import io.hostspec.realize.Recipe;
import io.hostspec.realize.Secrets;
import io.hostspec.secrets.Age;
import io.hostspec.secrets.SecretsException;
import io.hostspec.secrets.SopsConfig;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

/**
 * Brings a host's age key into its guest after every start (cold boot, snapshot restore, reboot) and runs the secrets
 * activation: the key is written through the guest agent to the guest's {@code sops.age.keyFile} (under /run, tmpfs),
 * then {@code sops-install-secrets.service} decrypts the secrets into ramfs. So neither the key nor a decrypted
 * secret is in an image, an overlay or a warm snapshot (snapshots are taken before this runs). The key comes from
 * {@link #useKey} or, as for the sops tool, from SOPS_AGE_KEY, SOPS_AGE_KEY_FILE or ~/.config/sops/age/keys.txt.
 */
final class SecretsDelivery {

    private final Map<String, Path> keys = new ConcurrentHashMap<>();

    /** The age key file (on this machine) the host's guest gets. */
    void useKey(String host, Path keyFile) {
        keys.put(host, keyFile);
    }

    /**
     * Delivers the key and installs the secrets, when the recipe has any.
     *
     * @throws MachineException naming the host and the secrets when the key is missing or activation fails
     */
    void activate(Machine machine, Recipe recipe) {
        Optional<String> guestKey = Secrets.ageKeyFile(recipe);
        if (guestKey.isEmpty()) {
            return;
        }
        String host = machine.name();
        List<Age.Identity> identities;
        try {
            identities = SopsConfig.identities(Optional.ofNullable(keys.get(host)), System.getenv());
        } catch (SecretsException e) {
            throw new MachineException(host, "[" + host + "] has sops secrets but no age key for them: "
                    + e.getMessage() + ". Give one with: Given the host \"" + host + "\" has the age key \"FILE\"",
                    null, e);
        }
        String text = identities.stream().map(Age.Identity::encoded).collect(Collectors.joining("\n")) + "\n";
        String file = guestKey.get();
        String dir = file.substring(0, Math.max(1, file.lastIndexOf('/')));
        machine.succeed("install -d -m 0700 " + Shell.quote(dir) + " && rm -f " + Shell.quote(file)
                + " && (umask 077 && : > " + Shell.quote(file) + ")");
        machine.writeFile(file, text.getBytes(StandardCharsets.US_ASCII));
        machine.succeed("chmod 0400 " + Shell.quote(file));
        ExecResult r = machine.execute("systemctl start " + Secrets.UNIT + " 2>&1; rc=$?; journalctl -b -u "
                + Secrets.UNIT + " -o cat --no-pager | grep '^sops-install-secrets:' | tail -n 3; exit $rc",
                Timeouts.COMMAND);
        if (r.exitCode() != 0) {
            throw new MachineException(host, "[" + host + "] secrets activation failed: "
                    + r.stdout().strip().lines().filter(l -> l.startsWith("sops-install-secrets:"))
                    .reduce((a, b) -> b).orElse(r.stdout().strip()), r, null);
        }
        // the installer restarts the units of restartUnits without waiting (they are ordered after it); a step that
        // follows the start sees them restarted
        machine.execute("timeout 60 sh -c 'while systemctl list-jobs --no-legend 2>/dev/null | grep -q .; do "
                + "sleep 0.2; done'", Timeouts.COMMAND);
    }
}
