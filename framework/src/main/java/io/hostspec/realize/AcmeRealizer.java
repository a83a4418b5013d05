package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code security.acme} as NixOS realizes it, with Debian's {@code lego}: per certificate {@code <name>} a oneshot
 * {@code acme-<name>.service} that obtains (lego {@code run}) or renews (lego {@code renew}) it through the HTTP-01
 * challenge in a webroot, copies the result to /var/lib/acme/<name>/{cert,key,chain,fullchain,full}.pem and reloads
 * the {@code reloadServices}; {@code acme-<name>.timer} runs it again every {@code renewInterval}; and
 * {@code acme-selfsigned-<name>.service} puts a self-signed placeholder in place first, so that nginx can start before
 * the real certificate exists. lego keeps its account and certificates in /var/lib/acme/.lego/<name>.
 *
 * <p>Rejected, with the definitions' file:line: a certificate without {@code acceptTerms}, without an ACME server
 * (hostspec's lab has no route to Let's Encrypt, so NixOS' default cannot be reached), without an email, without a
 * webroot, or with a DNS provider (the lab has no DNS-01).
 */
final class AcmeRealizer implements Realizer {

    private static final String A = AcmeCerts.A;
    /** Attempts (one a second) to reach the ACME directory before lego runs: counted, not timed (clock jumps). */
    static final int SERVER_ATTEMPTS = 30;
    /**
     * Runs of lego before the unit gives up. Under TCG an ACME server restored a moment ago can take longer than
     * lego's fixed 30 s wait for a response (seen on a fresh machine while another guest booted beside it); the
     * next order usually succeeds within seconds.
     */
    static final int LEGO_RUNS = 3;

    @Override
    public List<OptionDecl> options() {
        String d = A + "defaults.";
        String c = A + "certs.<name>.";
        return new Declarations("security.acme")
                .add(A + "acceptTerms", Types.bool(), false, "Accept the ACME server's terms of service.")
                .add(d + "email", Types.nullOr(Types.str()), null, "Email of the ACME account.")
                .add(d + "server", Types.nullOr(Types.str()), null, "ACME directory URL; null: "
                        + "https://<hostspec.lab.acmeServer>:14000/dir when that is set, otherwise an error (the lab "
                        + "cannot reach Let's Encrypt, NixOS' default).")
                .add(d + "webroot", Types.nullOr(Types.path()), null, "Webroot of the HTTP-01 challenge.")
                .add(d + "dnsProvider", Types.nullOr(Types.str()), null,
                        "DNS-01 provider (not supported in the lab: rejected).")
                .add(d + "group", Types.str(), "acme", "Group that may read the certificate's key.")
                .add(d + "reloadServices", Types.listOf(Types.str()), List.of(),
                        "Units reloaded (or restarted) when a certificate changed.")
                .add(d + "validMinDays", Types.integer(), 30L, "Renew when fewer days than this are left.")
                .add(d + "keyType", Types.str(), "ec256", "Key type (lego --key-type).")
                .add(d + "renewInterval", Types.str(), "daily", "OnCalendar= of the renewal timers.")
                .add(c + "domain", Types.nullOr(Types.str()), null, "Main domain; null: the attribute name.")
                .add(c + "extraDomainNames", Types.listOf(Types.str()), List.of(), "Further domains of the certificate.")
                .add(c + "webroot", Types.nullOr(Types.path()), null, "Webroot; null: defaults.webroot.")
                .add(c + "dnsProvider", Types.nullOr(Types.str()), null, "DNS-01 provider (rejected in the lab).")
                .add(c + "group", Types.nullOr(Types.str()), null, "Group of the files; null: defaults.group.")
                .add(c + "reloadServices", Types.listOf(Types.str()), List.of(),
                        "Units reloaded after a new certificate, besides defaults.reloadServices.")
                .add(c + "server", Types.nullOr(Types.str()), null, "ACME directory URL; null: defaults.server.")
                .add(c + "email", Types.nullOr(Types.str()), null, "Account email; null: defaults.email.")
                .add(c + "validMinDays", Types.nullOr(Types.integer()), null, "null: defaults.validMinDays.")
                .add(c + "keyType", Types.nullOr(Types.str()), null, "null: defaults.keyType.")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        var certs = AcmeCerts.of(config);
        if (certs.isEmpty()) {
            return;
        }
        List<String> every = certs.values().stream().flatMap(c -> c.from().stream()).distinct().toList();
        if (!config.bool(A + "acceptTerms")) {
            List<String> named = new ArrayList<>(List.of(A + "acceptTerms"));
            certs.values().forEach(c -> named.add(c.from().get(0)));
            throw recipe.error("ACME certificates (" + String.join(", ", certs.keySet()) + ") need the ACME "
                    + "server's terms accepted: set security.acme.acceptTerms = true.", named.toArray(String[]::new));
        }
        String labServer = config.str(PkiRealizer.ACME_SERVER);
        recipe.pkg("lego", every.toArray(String[]::new));
        recipe.pkg("openssl", every.toArray(String[]::new));
        recipe.group("acme", null, true, A + "defaults.group");
        recipe.stateDir(AcmeCerts.DIR, every.toArray(String[]::new));
        for (AcmeCerts.Cert cert : certs.values()) {
            String[] from = cert.from().toArray(String[]::new);
            String server = cert.server() != null ? cert.server()
                    : labServer != null ? PkiRealizer.directoryUrl(labServer) : null;
            check(recipe, cert, server, from);
            selfSigned(recipe, cert, from);
            issue(recipe, cert, server, from);
        }
    }

    private static void check(RecipeBuilder recipe, AcmeCerts.Cert cert, String server, String[] from) {
        String what = "The ACME certificate `" + cert.name() + "'";
        if (server == null) {
            throw recipe.error(what + " has no ACME server the lab can reach: set security.acme.defaults.server "
                    + "(or certs.\"" + cert.name() + "\".server) to the lab's ACME directory, e.g. "
                    + "\"https://acme:14000/dir\" for services.pebble on host \"acme\", or set "
                    + PkiRealizer.ACME_SERVER + " = \"acme\". (Let's Encrypt, NixOS' default, is not reachable from "
                    + "the lab.)", with(from, A + "defaults.server", PkiRealizer.ACME_SERVER));
        }
        String host = hostOf(server);
        if (host == null || !server.startsWith("https://")) {
            throw recipe.error(what + " has the ACME server \"" + server + "\", which is not an https:// URL.",
                    with(from, A + "defaults.server"));
        }
        if (host.toLowerCase(Locale.ROOT).endsWith("letsencrypt.org")) {
            throw recipe.error(what + " uses " + server + ", which the lab cannot reach (it has no route outside); "
                    + "point security.acme.defaults.server at the lab's pebble.", with(from, A + "defaults.server"));
        }
        if (cert.email() == null) {
            throw recipe.error(what + " has no account email: set security.acme.defaults.email.",
                    with(from, A + "defaults.email"));
        }
        if (cert.dnsProvider() != null) {
            throw recipe.error(what + " asks for the DNS-01 challenge (dnsProvider = \"" + cert.dnsProvider()
                    + "\"), which the lab has no DNS for; use a webroot (HTTP-01).", from);
        }
        if (cert.webroot() == null) {
            throw recipe.error(what + " has no way to answer the challenge: set its webroot (nginx virtual hosts "
                    + "with enableACME use their acmeRoot).", with(from, A + "defaults.webroot"));
        }
    }

    private static String[] with(String[] from, String... more) {
        List<String> all = new ArrayList<>(List.of(more));
        all.addAll(List.of(from));
        return all.toArray(String[]::new);
    }

    private static String hostOf(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** The placeholder: a self-signed certificate for the domains, made only when no certificate is there yet. */
    private static void selfSigned(RecipeBuilder recipe, AcmeCerts.Cert cert, String[] from) {
        String unit = "acme-selfsigned-" + cert.name() + ".service";
        String script = SystemdRealizer.SCRIPTS + "acme-selfsigned-" + cert.name() + ".sh";
        String san = cert.domains().stream().map(n -> "DNS:" + n).collect(Collectors.joining(","));
        recipe.script(script, """
                #!/bin/sh
                # hostspec: a self-signed placeholder for %1$s until the ACME server issued the real one
                set -e
                d=%2$s
                if [ -s "$d/fullchain.pem" ] && [ -s "$d/key.pem" ]; then exit 0; fi
                mkdir -p "$d"
                umask 027
                openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 \\
                  -subj %3$s -addext %4$s -keyout "$d/key.pem" -out "$d/cert.pem" 2>/dev/null
                cp "$d/cert.pem" "$d/fullchain.pem"
                : > "$d/chain.pem"
                cat "$d/key.pem" "$d/fullchain.pem" > "$d/full.pem"
                chgrp %5$s "$d" "$d"/*.pem
                chmod 750 "$d"
                chmod 640 "$d"/*.pem
                """.formatted(cert.name(), cert.dir(), quote("/CN=" + cert.domain()), quote("subjectAltName=" + san),
                quote(cert.group())), from);
        List<String> wantedBy = new ArrayList<>(List.of("multi-user.target"));
        cert.reloadServices().forEach(wantedBy::add);
        recipe.unit(unit, """
                [Unit]
                Description=Self-signed placeholder certificate for %1$s
                Before=%2$s

                [Service]
                Type=oneshot
                RemainAfterExit=yes
                ExecStart=%3$s

                [Install]
                WantedBy=%4$s
                """.formatted(cert.name(), String.join(" ", before(cert)), script, String.join(" ", wantedBy)),
                wantedBy, false, from);
    }

    private static List<String> before(AcmeCerts.Cert cert) {
        List<String> before = new ArrayList<>(cert.reloadServices());
        before.add("acme-" + cert.name() + ".service");
        return before;
    }

    /** The issuing service and its renewal timer. */
    private static void issue(RecipeBuilder recipe, AcmeCerts.Cert cert, String server, String[] from) {
        String unit = "acme-" + cert.name() + ".service";
        String script = SystemdRealizer.SCRIPTS + "acme-" + cert.name() + ".sh";
        String file = cert.domain().replace("*", "_");
        StringBuilder domains = new StringBuilder();
        cert.domains().forEach(dn -> domains.append(" -d ").append(quote(dn)));
        String reload = cert.reloadServices().isEmpty() ? ":"
                : "systemctl --no-block try-reload-or-restart " + String.join(" ", cert.reloadServices());
        recipe.script(script, """
                #!/bin/sh
                # hostspec: obtain or renew the ACME certificate %1$s with lego (HTTP-01 through a webroot)
                set -e
                server=%2$s
                # the directory must answer first; attempts are counted, not timed (a restored guest's clock jumps)
                i=0
                until curl -fsS --connect-timeout 2 -o /dev/null "$server"; do
                  i=$((i + 1))
                  if [ "$i" -ge %3$d ]; then
                    echo "acme-%1$s: the ACME server $server did not answer after %3$d attempts; no certificate issued" >&2
                    exit 1
                  fi
                  sleep 1
                done
                mkdir -p %4$s/.well-known/acme-challenge /var/lib/acme/.lego/%1$s
                chmod 755 %4$s %4$s/.well-known %4$s/.well-known/acme-challenge
                cd /var/lib/acme/.lego/%1$s
                set -- --accept-tos --path . --email %5$s --server "$server" --key-type %6$s \\
                  --http --http.webroot %4$s%7$s
                run=1
                while :; do
                  if [ -s certificates/%8$s.crt ] && [ "$(cat domains 2>/dev/null)" = %9$s ]; then
                    lego "$@" renew --no-random-sleep --days %10$d && break
                  else
                    lego "$@" run && break
                  fi
                  if [ "$run" -ge %14$d ]; then
                    echo "acme-%1$s: lego failed %14$d times; no certificate issued" >&2
                    exit 1
                  fi
                  echo "acme-%1$s: lego failed (run $run of %14$d); trying again in 5 s" >&2
                  run=$((run + 1))
                  sleep 5
                done
                echo %9$s > domains
                d=%11$s
                mkdir -p "$d"
                umask 027
                openssl x509 -in certificates/%8$s.crt -out "$d/cert.pem.new"
                cp certificates/%8$s.crt "$d/fullchain.pem.new"
                cp certificates/%8$s.issuer.crt "$d/chain.pem.new"
                cp certificates/%8$s.key "$d/key.pem.new"
                cat "$d/key.pem.new" "$d/fullchain.pem.new" > "$d/full.pem.new"
                changed=
                cmp -s "$d/fullchain.pem.new" "$d/fullchain.pem" || changed=1
                for f in cert key chain fullchain full; do
                  chgrp %12$s "$d/$f.pem.new"
                  chmod 640 "$d/$f.pem.new"
                  mv -f "$d/$f.pem.new" "$d/$f.pem"
                done
                chgrp %12$s "$d"
                chmod 750 "$d"
                if [ -n "$changed" ]; then
                  echo "acme-%1$s: new certificate $(openssl x509 -in "$d/cert.pem" -noout -serial)"
                  %13$s
                fi
                """.formatted(cert.name(), quote(server), SERVER_ATTEMPTS, quote(cert.webroot()), quote(cert.email()),
                quote(cert.keyType()), domains, file, quote(String.join(" ", cert.domains())), cert.validMinDays(),
                cert.dir(), quote(cert.group()), reload, LEGO_RUNS), from);
        List<String> after = new ArrayList<>(List.of(LabOnline.TARGET, "acme-selfsigned-" + cert.name()
                + ".service", PkiRealizer.UNIT, PkiRealizer.FETCH_UNIT));
        after.addAll(cert.reloadServices());
        // wanted by the lab's online target, not multi-user.target: the guest has no address before it
        LabOnline.target(recipe, from);
        recipe.unit(unit, """
                [Unit]
                Description=Obtain or renew the ACME certificate %1$s
                Wants=acme-selfsigned-%1$s.service
                After=%2$s

                [Service]
                Type=oneshot
                ExecStart=%3$s

                [Install]
                WantedBy=%4$s
                """.formatted(cert.name(), String.join(" ", after), script, LabOnline.TARGET),
                List.of(LabOnline.TARGET), false, from);
        recipe.unit("acme-" + cert.name() + ".timer", """
                [Unit]
                Description=Renew the ACME certificate %1$s

                [Timer]
                OnCalendar=%2$s
                Unit=%3$s

                [Install]
                WantedBy=timers.target
                """.formatted(cert.name(), cert.renewInterval(), unit), List.of("timers.target"), false, from);
    }

    /** Single-quotes a value for the shell. */
    static String quote(String value) {
        return "'" + value.replace("'", "'\\''") + "'";
    }
}
