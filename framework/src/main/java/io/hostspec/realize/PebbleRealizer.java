package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code services.pebble} (hostspec's; NixOS has no module for it): Let's Encrypt's test ACME server from Debian's
 * {@code pebble} package as {@code pebble.service}, its directory on port {@value PkiRealizer#DIRECTORY_PORT} and its
 * management endpoint on {@value PkiRealizer#MANAGEMENT_PORT} (pebble's defaults), validating HTTP-01 challenges on
 * {@code httpPort} of the names it is asked for (resolved through /etc/hosts, so through the lab's names and
 * {@code hostspec.lab.aliases}). Its TLS certificate, for the host's name and aliases, is made at first start and signed
 * by the lab CA that {@code hostspec.lab.acmeServer} makes other hosts trust. pebble keeps no state: every start makes
 * a new issuing root and forgets accounts and orders.
 */
final class PebbleRealizer implements Realizer {

    private static final String P = "services.pebble.";
    static final String CONFIG = "/etc/pebble/pebble.json";
    static final String STATE = "/var/lib/pebble";

    @Override
    public List<OptionDecl> options() {
        return new Declarations("services.pebble")
                .add(P + "enable", Types.bool(), false, "Run pebble, the ACME test server, on this host (hostspec).")
                .add(P + "httpPort", Types.port(), 80L, "The port pebble validates HTTP-01 challenges on.")
                .add(P + "tlsPort", Types.port(), 443L, "The port pebble validates TLS-ALPN-01 challenges on.")
                .add(P + "openFirewall", Types.bool(), true, "Open the directory and management ports.")
                .add(P + "certificateValidityPeriod", Types.nullOr(Types.integer()), null,
                        "Validity of issued certificates in seconds; null: pebble's default (5 years).")
                .list();
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        if (!config.bool(P + "enable")) {
            return;
        }
        String enable = P + "enable";
        recipe.pkg("pebble", enable);
        recipe.pkg("openssl", enable);
        recipe.stateDir(STATE, enable);
        recipe.file(new Recipe.FileEntry("/etc/pebble/lab-ca.pem", PkiRealizer.labCaCertificate(), "0644", "root",
                "root"), enable);
        recipe.file(new Recipe.FileEntry("/etc/pebble/lab-ca.key", PkiRealizer.labCaKey(), "0600", "root", "root"),
                enable);
        Object validity = config.get(P + "certificateValidityPeriod");
        recipe.file(CONFIG, """
                {
                  "pebble": {
                    "listenAddress": "0.0.0.0:%d",
                    "managementListenAddress": "0.0.0.0:%d",
                    "certificate": "%s/tls.pem",
                    "privateKey": "%s/tls.key",
                    "httpPort": %d,
                    "tlsPort": %d,
                    "ocspResponderURL": "",
                    "externalAccountBindingRequired": false%s
                  }
                }
                """.formatted(PkiRealizer.DIRECTORY_PORT, PkiRealizer.MANAGEMENT_PORT, STATE, STATE,
                config.integer(P + "httpPort"), config.integer(P + "tlsPort"),
                validity == null ? "" : ",\n    \"certificateValidityPeriod\": " + validity),
                enable, P + "httpPort", P + "tlsPort", P + "certificateValidityPeriod");
        Set<String> names = new LinkedHashSet<>();
        names.add(config.str("networking.hostName"));
        names.addAll(config.strings(LabOnline.ALIASES));
        names.add("localhost");
        String san = names.stream().map(n -> "DNS:" + n).collect(Collectors.joining(","));
        String tls = SystemdRealizer.SCRIPTS + "pebble-tls.sh";
        recipe.script(tls, """
                #!/bin/sh
                # hostspec: pebble's TLS certificate for its names, signed by the lab CA (made once)
                set -e
                d=%1$s
                san=%2$s
                if [ -s "$d/tls.pem" ] && [ "$(cat "$d/tls.names" 2>/dev/null)" = "$san" ]; then exit 0; fi
                mkdir -p "$d"
                cd "$d"
                umask 077
                openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj %3$s \\
                  -keyout tls.key -out tls.csr 2>/dev/null
                printf 'subjectAltName=%%s\\nextendedKeyUsage=serverAuth\\n' "$san" > tls.ext
                openssl x509 -req -in tls.csr -CA /etc/pebble/lab-ca.pem -CAkey /etc/pebble/lab-ca.key \\
                  -CAcreateserial -days 3650 -extfile tls.ext -out tls.pem 2>/dev/null
                echo "$san" > tls.names
                """.formatted(STATE, AcmeRealizer.quote(san), AcmeRealizer.quote("/CN=" + names.iterator().next())),
                enable, "networking.hostName", LabOnline.ALIASES);
        recipe.unit("pebble.service", """
                [Unit]
                Description=Pebble, the ACME test server
                After=network.target

                [Service]
                Environment=PEBBLE_VA_NOSLEEP=1
                Environment=PEBBLE_WFE_NONCEREJECT=0
                ExecStartPre=%1$s
                ExecStart=/usr/bin/pebble -config %2$s -strict=false
                Restart=on-failure

                [Install]
                WantedBy=multi-user.target
                """.formatted(tls, CONFIG), List.of("multi-user.target"), false, enable);
        if (config.bool(P + "openFirewall")) {
            List<String> from = new ArrayList<>(List.of(enable, P + "openFirewall"));
            recipe.port("tcp", PkiRealizer.DIRECTORY_PORT, from.toArray(String[]::new));
            recipe.port("tcp", PkiRealizer.MANAGEMENT_PORT, from.toArray(String[]::new));
        }
    }
}
