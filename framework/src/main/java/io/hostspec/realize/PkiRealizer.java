package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code security.pki.{certificates, certificateFiles}} (NixOS' names) and hostspec's
 * {@code hostspec.lab.acmeServer}: certificate authorities the host trusts on top of Debian's, added to
 * /usr/local/share/ca-certificates/hostspec and made part of the system bundle (/etc/ssl/certs) by
 * {@code update-ca-certificates} at boot ({@value #UNIT}, only when {@code security.pki} has certificates: the bundle
 * costs a noticeable part of a boot under TCG).
 *
 * <p>{@code hostspec.lab.acmeServer = "acme"} trusts the lab's ACME server on host {@code acme} (see
 * {@link PebbleRealizer}): the lab CA that signs pebble's own TLS certificate (fixed, shipped with hostspec, like the
 * snakeoil CA of NixOS' ACME tests) and pebble's issuing root, which pebble generates each time it starts and so is
 * fetched from its management endpoint once the guest is on the lab network ({@value #FETCH_UNIT}, verified with the lab
 * CA), which then adds both to the bundle and links them by subject hash (what {@code update-ca-certificates} does, for
 * these two certificates only: rehashing every certificate took 55-90 s after a warm start under TCG).
 */
final class PkiRealizer implements Realizer {

    static final String ACME_SERVER = "hostspec.lab.acmeServer";
    static final String UNIT = "hostspec-ca-certificates.service";
    static final String FETCH_UNIT = "hostspec-acme-ca.service";
    static final String CA_DIR = "/usr/local/share/ca-certificates/hostspec";
    /** pebble's ACME directory and management ports (its defaults). */
    static final int DIRECTORY_PORT = 14000;
    static final int MANAGEMENT_PORT = 15000;
    /** Attempts (one every two seconds) to fetch the issuing root before the fetch fails. */
    static final int FETCH_ATTEMPTS = 90;

    @Override
    public List<OptionDecl> options() {
        return new Declarations("security.pki")
                .add("security.pki.certificates", Types.listOf(Types.str()), List.of(),
                        "PEM certificates of authorities the host trusts, besides Debian's.")
                .add("security.pki.certificateFiles", Types.listOf(Types.path()), List.of(),
                        "Files in the guest holding PEM certificates the host trusts (read at boot).")
                .add(ACME_SERVER, Types.nullOr(Types.str()), null,
                        "The lab host running services.pebble whose certificates this host trusts (hostspec): its "
                                + "lab CA and, fetched at boot, its issuing root. Also the default "
                                + "security.acme.defaults.server.")
                .list();
    }

    /** The ACME directory of the pebble on a lab host. */
    static String directoryUrl(String host) {
        return "https://" + host + ":" + DIRECTORY_PORT + "/dir";
    }

    /** The lab CA's certificate (PEM): it signs the TLS certificate of every lab pebble. */
    static String labCaCertificate() {
        return resource("lab-acme-ca.pem");
    }

    /** The lab CA's key (PEM); only the pebble host has it. A test key: it protects nothing outside the lab. */
    static String labCaKey() {
        return resource("lab-acme-ca.key");
    }

    private static String resource(String name) {
        try (InputStream in = PkiRealizer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("resource io/hostspec/realize/" + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        List<String> pems = config.strings("security.pki.certificates");
        List<String> files = config.strings("security.pki.certificateFiles");
        String server = config.str(ACME_SERVER);
        if (pems.isEmpty() && files.isEmpty() && server == null) {
            return;
        }
        String[] from = {"security.pki.certificates", "security.pki.certificateFiles", ACME_SERVER};
        for (int i = 0; i < pems.size(); i++) {
            if (!pems.get(i).contains("-----BEGIN CERTIFICATE-----")) {
                throw recipe.error("security.pki.certificates holds an entry that is not a PEM certificate "
                        + "(no -----BEGIN CERTIFICATE----- line): entry " + (i + 1) + ".",
                        "security.pki.certificates");
            }
            recipe.file(CA_DIR + "/pki-" + (i + 1) + ".crt", pems.get(i).strip() + "\n", "security.pki.certificates");
        }
        if (server != null) {
            recipe.file(CA_DIR + "/lab-acme-ca.crt", labCaCertificate(), ACME_SERVER);
        }
        StringBuilder copy = new StringBuilder();
        for (int i = 0; i < files.size(); i++) {
            copy.append("cp ").append(AcmeRealizer.quote(files.get(i))).append(' ').append(CA_DIR).append("/file-")
                    .append(i + 1).append(".crt\n");
        }
        if (pems.isEmpty() && files.isEmpty()) {
            // only the lab's ACME server: the fetch unit, after boot, rebuilds the bundle with the lab CA too
            fetchRoot(recipe, server);
            return;
        }
        String script = SystemdRealizer.SCRIPTS + "hostspec-ca-certificates.sh";
        recipe.script(script, "#!/bin/sh\n# hostspec: add security.pki's authorities to the system bundle\nset -e\n"
                + "mkdir -p " + CA_DIR + "\n" + copy + "update-ca-certificates\n", from);
        recipe.unit(UNIT, """
                [Unit]
                Description=Trust the certificate authorities of security.pki
                DefaultDependencies=no
                After=local-fs.target
                Before=network.target

                [Service]
                Type=oneshot
                RemainAfterExit=yes
                ExecStart=%s

                [Install]
                WantedBy=multi-user.target
                """.formatted(script), List.of("multi-user.target"), false, from);
        if (server != null) {
            fetchRoot(recipe, server);
        }
    }

    /** The oneshot that fetches pebble's issuing root (new at each start of pebble) and trusts it. */
    private static void fetchRoot(RecipeBuilder recipe, String server) {
        String url = "https://" + server + ":" + MANAGEMENT_PORT + "/roots/0";
        String script = SystemdRealizer.SCRIPTS + "hostspec-acme-ca.sh";
        recipe.script(script, """
                #!/bin/sh
                # hostspec: trust the issuing root of the lab's ACME server (pebble makes a new one at each start)
                set -e
                i=0
                until curl -fsS --connect-timeout 2 --cacert %1$s/lab-acme-ca.crt -o %1$s/acme-root.new %2$s; do
                  i=$((i + 1))
                  if [ "$i" -ge %3$d ]; then
                    echo "hostspec-acme-ca: %2$s did not answer after %3$d attempts" >&2
                    exit 1
                  fi
                  sleep 2
                done
                mv -f %1$s/acme-root.new %1$s/acme-root.crt
                # What update-ca-certificates does for one certificate, without rehashing all of /etc/ssl/certs
                # (55-90 s under TCG): a link by subject hash, and the certificate appended to the bundle. Both stay
                # in %1$s, so a later update-ca-certificates keeps them.
                trust() {
                  pem=/etc/ssl/certs/hostspec-$(basename "$1" .crt).pem
                  ln -sf "$1" "$pem"
                  h=$(openssl x509 -hash -noout -in "$1")
                  n=0
                  while [ -e "/etc/ssl/certs/$h.$n" ] && ! cmp -s "/etc/ssl/certs/$h.$n" "$1"; do n=$((n + 1)); done
                  ln -sf "$(basename "$pem")" "/etc/ssl/certs/$h.$n"
                  grep -qxF "$(sed -n 2p "$1")" /etc/ssl/certs/ca-certificates.crt \\
                    || cat "$1" >> /etc/ssl/certs/ca-certificates.crt
                  echo "hostspec-acme-ca: trusting $1 ($h.$n)"
                }
                trust %1$s/lab-acme-ca.crt
                trust %1$s/acme-root.crt
                """.formatted(CA_DIR, url, FETCH_ATTEMPTS), ACME_SERVER);
        LabOnline.target(recipe, ACME_SERVER);
        recipe.unit(FETCH_UNIT, """
                [Unit]
                Description=Trust the issuing root of the lab ACME server %1$s
                After=%2$s %3$s

                [Service]
                Type=oneshot
                RemainAfterExit=yes
                ExecStart=%4$s

                [Install]
                WantedBy=%2$s
                """.formatted(server, LabOnline.TARGET, UNIT, script), List.of(LabOnline.TARGET), false, ACME_SERVER);
    }
}
