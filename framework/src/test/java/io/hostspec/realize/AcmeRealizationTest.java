package io.hostspec.realize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** security.acme, nginx's enableACME, services.pebble and security.pki: the units, scripts and errors they produce. */
class AcmeRealizationTest {

    @TempDir
    Path root;

    private static final String WEB = """
            [security.acme]
            acceptTerms = true
            defaults.email = "admin@home.lab"
            defaults.server = "https://acme:14000/dir"

            [services.nginx]
            enable = true

            [services.nginx.virtualHosts."app.home.lab"]
            enableACME = true
            forceSSL = true
            serverAliases = ["www.home.lab"]
            root = "/srv/app"
            """;

    private Recipe realize(String host) throws IOException {
        return TestHost.realize(root, host);
    }

    private String rejected(String host) {
        return TestHost.rejected(root, host);
    }

    @Test
    void enableAcmeMakesTheNixosUnitsAndServesTheirFiles() throws IOException, InterruptedException {
        Recipe r = realize(WEB);
        assertTrue(r.packages().contains("lego"), r.packages().toString());
        assertTrue(r.units().containsKey("acme-app.home.lab.service"));
        assertTrue(r.units().containsKey("acme-app.home.lab.timer"));
        assertTrue(r.units().containsKey("acme-selfsigned-app.home.lab.service"));
        String site = r.files().get("/etc/nginx/sites-enabled/app.home.lab.conf").content();
        assertTrue(site.contains("ssl_certificate /var/lib/acme/app.home.lab/fullchain.pem;"), site);
        assertTrue(site.contains("ssl_certificate_key /var/lib/acme/app.home.lab/key.pem;"), site);
        // the challenge is answered on plain HTTP, before the forceSSL redirect
        int challenge = site.indexOf("location ^~ /.well-known/acme-challenge/ {\n        root /var/lib/acme/acme-challenge;");
        int redirect = site.indexOf("return 301 https://");
        assertTrue(challenge > 0 && challenge < redirect, site);
        String script = r.files().get("/etc/hostspec/scripts/acme-app.home.lab.sh").content();
        assertTrue(script.contains("server='https://acme:14000/dir'"), script);
        assertTrue(script.contains("-d 'app.home.lab' -d 'www.home.lab'"), script);
        assertTrue(script.contains("--http --http.webroot '/var/lib/acme/acme-challenge'"), script);
        assertTrue(script.contains("renew --no-random-sleep --days 30"), script);
        assertTrue(script.contains("chgrp 'www-data'"), script);
        assertTrue(script.contains("systemctl --no-block try-reload-or-restart nginx.service"), script);
        assertTrue(script.contains("lego \"$@\" run && break"), script);
        assertTrue(script.contains("lego failed 3 times; no certificate issued"), script);
        assertEquals(0, syntaxCheck(script, root), "sh -n of\n" + script);
        Recipe.UnitEntry acme = r.units().get("acme-app.home.lab.service");
        assertEquals(List.of(LabOnline.TARGET), List.copyOf(acme.wantedBy()), "it needs the lab network");
        assertTrue(acme.content().contains("After=" + LabOnline.TARGET + " acme-selfsigned-app.home.lab.service"),
                acme.content());
        assertTrue(r.units().get("acme-app.home.lab.timer").content().contains("OnCalendar=daily"));
        Recipe.UnitEntry placeholder = r.units().get("acme-selfsigned-app.home.lab.service");
        assertTrue(placeholder.wantedBy().contains("nginx.service"), placeholder.toString());
        assertTrue(placeholder.content().contains("Before=nginx.service acme-app.home.lab.service"));
        assertTrue(r.stateDirs().contains("/var/lib/acme"));
        assertTrue(r.units().containsKey(LabOnline.TARGET));
    }

    @Test
    void theLabAcmeServerIsTheDefaultServerAndItsRootIsFetched() throws IOException {
        Recipe r = realize(WEB.replace("defaults.server = \"https://acme:14000/dir\"\n", "")
                + "\n[hostspec.lab]\nacmeServer = \"acme\"\n");
        assertTrue(r.files().get("/etc/hostspec/scripts/acme-app.home.lab.sh").content()
                .contains("server='https://acme:14000/dir'"));
        assertTrue(r.files().get(PkiRealizer.CA_DIR + "/lab-acme-ca.crt").content().contains("BEGIN CERTIFICATE"));
        String fetch = r.files().get("/etc/hostspec/scripts/hostspec-acme-ca.sh").content();
        assertTrue(fetch.contains("https://acme:15000/roots/0"), fetch);
        assertTrue(fetch.contains("--cacert " + PkiRealizer.CA_DIR + "/lab-acme-ca.crt"), fetch);
        assertTrue(r.units().get(PkiRealizer.FETCH_UNIT).wantedBy().contains(LabOnline.TARGET));
        // no boot-time bundle for the lab server alone: the fetch after boot rebuilds it
        assertNull(r.units().get(PkiRealizer.UNIT));
    }

    @Test
    void pebbleServesTheDirectoryWithALabSignedCertificate() throws IOException {
        Recipe r = realize("""
                networking.hostName = "acme"
                services.pebble.enable = true
                hostspec.lab.aliases = ["ca.home.lab"]
                """);
        assertTrue(r.packages().contains("pebble"));
        String conf = r.files().get(PebbleRealizer.CONFIG).content();
        assertTrue(conf.contains("\"listenAddress\": \"0.0.0.0:14000\""), conf);
        assertTrue(conf.contains("\"httpPort\": 80,"), conf);
        assertFalse(conf.contains("certificateValidityPeriod"), conf);
        assertEquals("0600", r.files().get("/etc/pebble/lab-ca.key").mode());
        assertTrue(r.files().get("/etc/hostspec/scripts/pebble-tls.sh").content()
                .contains("san='DNS:acme,DNS:ca.home.lab,DNS:localhost'"));
        assertTrue(r.units().get("pebble.service").content().contains("-strict=false"));
        assertTrue(r.nftables().contains("14000"), r.nftables());
        assertTrue(r.nftables().contains("15000"), r.nftables());
    }

    @Test
    void pkiCertificatesAreAddedToTheBundleAtBoot() throws IOException {
        Recipe r = realize("""
                security.pki.certificates = ["-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----"]
                security.pki.certificateFiles = ["/etc/lab/ca.pem"]
                """);
        assertEquals("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
                r.files().get(PkiRealizer.CA_DIR + "/pki-1.crt").content());
        String script = r.files().get("/etc/hostspec/scripts/hostspec-ca-certificates.sh").content();
        assertTrue(script.contains("cp '/etc/lab/ca.pem' " + PkiRealizer.CA_DIR + "/file-1.crt\nupdate-ca-certificates"),
                script);
        assertNull(r.units().get(PkiRealizer.FETCH_UNIT));
        assertTrue(r.units().get(PkiRealizer.UNIT).content().contains("Before=network.target"));
    }

    @Test
    void hostsWithoutAcmeOrPkiGetNothingNew() throws IOException {
        Recipe r = realize("services.nginx.enable = true\n");
        assertFalse(r.packages().contains("lego"));
        assertTrue(r.units().keySet().stream().noneMatch(u -> u.startsWith("acme") || u.startsWith("hostspec-")),
                r.units().keySet().toString());
        assertFalse(r.units().containsKey(LabOnline.TARGET));
    }

    @Test
    void enableAcmeWithoutAcceptTermsNamesTheVirtualHostsLine() {
        String m = rejected(WEB.replace("acceptTerms = true\n", ""));
        assertTrue(m.contains("security.acme.acceptTerms = true"), m);
        assertTrue(m.contains("`services.nginx.virtualHosts.\"app.home.lab\".enableACME' is defined at "
                + "vm-images/hosts/h.toml:9"), m);
    }

    @Test
    void aCertificateWithoutAReachableServerIsRejected() {
        String m = rejected(WEB.replace("defaults.server = \"https://acme:14000/dir\"\n", ""));
        assertTrue(m.contains("has no ACME server the lab can reach"), m);
        assertTrue(m.contains("enableACME' is defined at vm-images/hosts/h.toml:9"), m);
        String le = rejected(WEB.replace("https://acme:14000/dir", "https://acme-v02.api.letsencrypt.org/directory"));
        assertTrue(le.contains("which the lab cannot reach"), le);
        assertTrue(le.contains("h.toml:4"), le);
    }

    @Test
    void useAcmeHostNeedsADeclaredCertificate() {
        String m = rejected(WEB.replace("enableACME = true", "useACMEHost = \"wild\""));
        assertTrue(m.contains("which is not declared"), m);
    }

    /** Exit code of {@code sh -n} (parse only) on the script. */
    private static int syntaxCheck(String script, Path dir) throws IOException, InterruptedException {
        Path file = dir.resolve("check.sh");
        java.nio.file.Files.writeString(file, script);
        Process p = new ProcessBuilder("sh", "-n", file.toString()).inheritIO().start();
        return p.waitFor();
    }
}
