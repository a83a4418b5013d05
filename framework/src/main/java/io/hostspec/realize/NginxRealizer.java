package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code services.nginx} with NixOS' virtual host options: Debian's nginx package, one
 * /etc/nginx/sites-enabled/<name>.conf per virtual host, nginx.service enabled and reloadable. Debian's default site is
 * emptied (its file /etc/nginx/sites-available/default is replaced by a comment) so that our virtual hosts are the
 * only ones and the first of them (or the one with {@code default = true}) answers unknown names.
 *
 * <p>{@code enableACME} and {@code useACMEHost} serve the certificate of {@code security.acme} (see {@link AcmeRealizer},
 * which obtains it); {@code enableACME} also serves the challenge webroot {@code acmeRoot} at
 * {@code /.well-known/acme-challenge/} on plain HTTP, before a {@code forceSSL} redirect.
 *
 * <p>{@code selfSigned} is a hostspec addition: a oneshot {@code nginx-selfsigned-<name>.service}, pulled in by
 * nginx.service, creates a self-signed certificate with openssl on first boot when the files are missing.
 */
final class NginxRealizer implements Realizer {

    private static final String P = "services.nginx.";
    static final String SELF_SIGNED_DIR = "/var/lib/nginx-selfsigned";

    @Override
    public List<OptionDecl> options() {
        String v = P + "virtualHosts.<name>.";
        String l = v + "locations.<name>.";
        return new Declarations("services.nginx")
                .add(P + "enable", Types.bool(), false, "Whether to run nginx.")
                .add(P + "defaultHTTPListenPort", Types.port(), 80L, "The port of plain HTTP virtual hosts.")
                .add(P + "defaultSSLListenPort", Types.port(), 443L, "The port of TLS virtual hosts.")
                .add(P + "recommendedProxySettings", Types.bool(), false,
                        "Whether proxied locations pass Host, X-Real-IP, X-Forwarded-For and X-Forwarded-Proto.")
                .add(v + "serverName", Types.nullOr(Types.str()), null, "server_name; null: the attribute name.")
                .add(v + "serverAliases", Types.listOf(Types.str()), List.of(), "Additional server names.")
                .add(v + "default", Types.bool(), false, "Whether this is the default server of its ports.")
                .add(v + "root", Types.nullOr(Types.path()), null, "The document root.")
                .add(v + "forceSSL", Types.bool(), false, "Serve over TLS only; plain HTTP redirects to https.")
                .add(v + "addSSL", Types.bool(), false, "Serve over TLS as well as plain HTTP.")
                .add(v + "onlySSL", Types.bool(), false, "Serve over TLS only; no plain HTTP server.")
                .add(v + "sslCertificate", Types.nullOr(Types.path()), null,
                        "Certificate file; with selfSigned and null: " + SELF_SIGNED_DIR + "/<name>/cert.pem.")
                .add(v + "sslCertificateKey", Types.nullOr(Types.path()), null,
                        "Key file; with selfSigned and null: " + SELF_SIGNED_DIR + "/<name>/key.pem.")
                .add(v + "selfSigned", Types.bool(), false,
                        "Generate a self-signed certificate on first boot when the files are missing (hostspec).")
                .add(v + "extraConfig", Types.lines(), "", "Lines added to the server block.")
                .add(v + "enableACME", Types.bool(), false, "Obtain a certificate for the server name and aliases "
                        + "from the ACME server (security.acme.certs.<serverName>) and serve it.")
                .add(v + "useACMEHost", Types.nullOr(Types.str()), null,
                        "Serve the certificate of security.acme.certs.<this> (obtained elsewhere).")
                .add(v + "acmeRoot", Types.nullOr(Types.path()), AcmeCerts.DEFAULT_ACME_ROOT,
                        "Webroot of the ACME HTTP-01 challenge, served at /.well-known/acme-challenge.")
                .add(l + "proxyPass", Types.nullOr(Types.str()), null, "proxy_pass target, e.g. http://127.0.0.1:3000.")
                .add(l + "proxyWebsockets", Types.bool(), false, "Whether to pass websocket upgrades.")
                .add(l + "recommendedProxySettings", Types.nullOr(Types.bool()), null,
                        "Per location override of services.nginx.recommendedProxySettings.")
                .add(l + "root", Types.nullOr(Types.path()), null, "The location's document root.")
                .add(l + "return", Types.nullOr(Types.str()), null, "A return directive, e.g. \"301 /new\".")
                .add(l + "extraConfig", Types.lines(), "", "Lines added to the location block.")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        if (!config.bool(P + "enable")) {
            return;
        }
        String enable = P + "enable";
        ServerNames.check(config, recipe);
        recipe.pkg("nginx", enable);
        recipe.file("/etc/nginx/sites-available/default",
                "# Emptied by hostspec: the virtual hosts are /etc/nginx/sites-enabled/*.conf\n", enable);
        for (String name : config.names(P + "virtualHosts")) {
            Config.Scope vh = config.scope(P + "virtualHosts", name);
            List<String> from = new ArrayList<>();
            String site = site(config, recipe, name, vh, from);
            recipe.file("/etc/nginx/sites-enabled/" + name + ".conf", site, from.toArray(String[]::new));
        }
        recipe.unit("nginx.service", null, List.of("multi-user.target"), true, enable);
    }

    private String site(Config config, RecipeBuilder recipe, String name, Config.Scope vh, List<String> from) {
        boolean force = vh.bool("forceSSL");
        boolean add = vh.bool("addSSL");
        boolean only = vh.bool("onlySSL");
        from.addAll(List.of(P + "enable", vh.name("forceSSL"), vh.name("addSSL"), vh.name("onlySSL"),
                vh.name("serverName"), vh.name("serverAliases"), vh.name("default"), vh.name("root"),
                vh.name("extraConfig"), P + "defaultHTTPListenPort", P + "defaultSSLListenPort"));
        if ((force ? 1 : 0) + (add ? 1 : 0) + (only ? 1 : 0) > 1) {
            throw recipe.error("The virtual host `" + name + "' sets more than one of forceSSL, addSSL and onlySSL; "
                    + "choose one.", vh.name("forceSSL"), vh.name("addSSL"), vh.name("onlySSL"));
        }
        boolean ssl = force || add || only;
        String cert = vh.str("sslCertificate");
        String key = vh.str("sslCertificateKey");
        String acmeCert = acmeCert(config, recipe, name, vh);
        if (acmeCert != null) {
            from.addAll(List.of(vh.name("enableACME"), vh.name("useACMEHost"), vh.name("acmeRoot")));
        }
        if (ssl) {
            from.addAll(List.of(vh.name("sslCertificate"), vh.name("sslCertificateKey"), vh.name("selfSigned")));
            if (acmeCert != null) {
                cert = AcmeCerts.DIR + "/" + acmeCert + "/fullchain.pem";
                key = AcmeCerts.DIR + "/" + acmeCert + "/key.pem";
            } else if (vh.bool("selfSigned")) {
                cert = cert != null ? cert : SELF_SIGNED_DIR + "/" + name + "/cert.pem";
                key = key != null ? key : SELF_SIGNED_DIR + "/" + name + "/key.pem";
                selfSigned(recipe, name, serverName(vh, name), cert, key, vh.name("selfSigned"));
            } else if (cert == null || key == null) {
                throw recipe.error("The virtual host `" + name + "' serves TLS but has no certificate: set "
                        + "sslCertificate and sslCertificateKey, or selfSigned = true.", vh.name("forceSSL"),
                        vh.name("addSSL"), vh.name("onlySSL"), vh.name("sslCertificate"), vh.name("sslCertificateKey"));
            }
        }
        long httpPort = config.integer(P + "defaultHTTPListenPort");
        long sslPort = config.integer(P + "defaultSSLListenPort");
        String dflt = vh.bool("default") ? " default_server" : "";
        StringBuilder names = new StringBuilder(serverName(vh, name));
        vh.strings("serverAliases").forEach(a -> names.append(' ').append(a));
        StringBuilder b = new StringBuilder();
        if (!only) {
            b.append("server {\n")
                    .append("    listen ").append(httpPort).append(dflt).append(";\n")
                    .append("    listen [::]:").append(httpPort).append(dflt).append(";\n")
                    .append("    server_name ").append(names).append(";\n");
            if (vh.bool("enableACME")) {
                b.append("    location ^~ /.well-known/acme-challenge/ {\n")
                        .append("        root ").append(vh.str("acmeRoot")).append(";\n")
                        .append("        auth_basic off;\n")
                        .append("    }\n");
            }
            if (force) {
                b.append("    location / {\n")
                        .append("        return 301 https://$host").append(sslPort == 443 ? "" : ":" + sslPort)
                        .append("$request_uri;\n")
                        .append("    }\n")
                        .append("}\n");
            } else {
                body(config, b, vh, from);
            }
        }
        if (ssl) {
            if (!b.isEmpty()) {
                b.append('\n');
            }
            b.append("server {\n")
                    .append("    listen ").append(sslPort).append(" ssl").append(dflt).append(";\n")
                    .append("    listen [::]:").append(sslPort).append(" ssl").append(dflt).append(";\n")
                    .append("    server_name ").append(names).append(";\n")
                    .append("    ssl_certificate ").append(cert).append(";\n")
                    .append("    ssl_certificate_key ").append(key).append(";\n");
            body(config, b, vh, from);
        }
        return b.toString();
    }

    /**
     * The name of the ACME certificate a virtual host serves ({@code enableACME}: its server name; {@code useACMEHost}:
     * that certificate, which must be declared), or null.
     */
    private static String acmeCert(Config config, RecipeBuilder recipe, String name, Config.Scope vh) {
        String use = vh.str("useACMEHost");
        if (vh.bool("enableACME") && use != null) {
            throw recipe.error("The virtual host `" + name + "' sets both enableACME and useACMEHost; choose one.",
                    vh.name("enableACME"), vh.name("useACMEHost"));
        }
        if (use != null && !config.names(AcmeCerts.A + "certs").contains(use)) {
            throw recipe.error("The virtual host `" + name + "' uses the ACME certificate `" + use + "', which is "
                    + "not declared: add security.acme.certs.\"" + use + "\".", vh.name("useACMEHost"));
        }
        return vh.bool("enableACME") ? serverName(vh, name) : use;
    }

    private static String serverName(Config.Scope vh, String name) {
        return vh.str("serverName") != null ? vh.str("serverName") : name;
    }

    /** The root, the locations and the extra configuration of a server block, and its closing brace. */
    private static void body(Config config, StringBuilder b, Config.Scope vh, List<String> from) {
        if (vh.str("root") != null) {
            b.append("    root ").append(vh.str("root")).append(";\n");
        }
        for (String path : vh.names("locations")) {
            List<String> at = new ArrayList<>(vh.path("locations"));
            at.add(path);
            Config.Scope loc = new Config.Scope(config, List.copyOf(at));
            from.addAll(List.of(loc.name("proxyPass"), loc.name("proxyWebsockets"), loc.name("root"),
                    loc.name("return"), loc.name("extraConfig"), loc.name("recommendedProxySettings")));
            b.append("    location ").append(path).append(" {\n");
            if (loc.str("root") != null) {
                b.append("        root ").append(loc.str("root")).append(";\n");
            }
            if (loc.str("proxyPass") != null) {
                b.append("        proxy_pass ").append(loc.str("proxyPass")).append(";\n");
                Object rec = loc.get("recommendedProxySettings");
                boolean recommended = rec != null ? (Boolean) rec : config.bool(P + "recommendedProxySettings");
                if (rec == null) {
                    from.add(P + "recommendedProxySettings");
                }
                if (recommended) {
                    b.append("        proxy_set_header Host $host;\n")
                            .append("        proxy_set_header X-Real-IP $remote_addr;\n")
                            .append("        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n")
                            .append("        proxy_set_header X-Forwarded-Proto $scheme;\n");
                }
                if (loc.bool("proxyWebsockets")) {
                    b.append("        proxy_http_version 1.1;\n")
                            .append("        proxy_set_header Upgrade $http_upgrade;\n")
                            .append("        proxy_set_header Connection \"upgrade\";\n");
                }
            }
            if (loc.str("return") != null) {
                b.append("        return ").append(loc.str("return")).append(";\n");
            }
            lines(b, loc.str("extraConfig"), "        ");
            b.append("    }\n");
        }
        lines(b, vh.str("extraConfig"), "    ");
        b.append("}\n");
    }

    private static void lines(StringBuilder b, String text, String indent) {
        for (String line : text.split("\n")) {
            if (!line.isBlank()) {
                b.append(indent).append(line.strip()).append('\n');
            }
        }
    }

    private static void selfSigned(RecipeBuilder recipe, String name, String cn, String cert, String key,
                                   String option) {
        String unit = "nginx-selfsigned-" + name + ".service";
        String script = SystemdRealizer.SCRIPTS + "nginx-selfsigned-" + name + ".sh";
        recipe.pkg("openssl", option);
        // the generated pair is state: a switch or a rollback must not replace it. An EC P-256 key: generating an
        // RSA key at first boot took up to 25 s of a TCG cold boot (the prime search), an EC key takes milliseconds
        recipe.stateDir(cert.substring(0, cert.lastIndexOf('/')), option);
        recipe.stateDir(key.substring(0, key.lastIndexOf('/')), option);
        recipe.script(script, """
                #!/bin/sh
                set -e
                if [ ! -s %1$s ] || [ ! -s %2$s ]; then
                  mkdir -p "$(dirname %1$s)" "$(dirname %2$s)"
                  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 3650 -subj "/CN=%3$s" \\
                    -addext "subjectAltName=DNS:%3$s" -keyout %2$s -out %1$s
                  chmod 600 %2$s
                fi
                """.formatted(cert, key, cn), option);
        recipe.unit(unit, """
                [Unit]
                Description=Self-signed certificate for the nginx virtual host %1$s
                Before=nginx.service

                [Service]
                Type=oneshot
                RemainAfterExit=yes
                ExecStart=%2$s

                [Install]
                WantedBy=multi-user.target nginx.service
                """.formatted(name, script), List.of("multi-user.target", "nginx.service"), false, option);
    }
}
