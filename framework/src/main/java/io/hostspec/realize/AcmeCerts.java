package io.hostspec.realize;

import io.hostspec.module.Config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ACME certificates a configuration asks for, as NixOS computes them: every {@code security.acme.certs.<name>}
 * plus one per nginx virtual host with {@code enableACME} (named by its server name, its aliases as extra domain
 * names, its {@code acmeRoot} as webroot, nginx's group and a reload of nginx). Values a certificate leaves unset come
 * from {@code security.acme.defaults}. One place for both realizers that need it: the ACME one (units) and nginx's
 * (certificate paths).
 */
final class AcmeCerts {

    static final String A = "security.acme.";
    static final String DIR = "/var/lib/acme";
    /** NixOS' default {@code acmeRoot} of a virtual host. */
    static final String DEFAULT_ACME_ROOT = DIR + "/acme-challenge";
    /** The group nginx runs as on Debian. */
    static final String NGINX_GROUP = "www-data";

    /**
     * One certificate, its defaults applied.
     *
     * @param name             the attribute name: /var/lib/acme/<name>
     * @param domain           the main domain
     * @param extraDomainNames further names (SANs)
     * @param webroot          the HTTP-01 webroot, or null
     * @param dnsProvider      a DNS-01 provider, or null
     * @param group            the group that may read the key
     * @param reloadServices   units reloaded (or restarted) after a new certificate
     * @param server           the ACME directory URL, or null
     * @param email            the account's email, or null
     * @param validMinDays     renew when fewer days than this are left
     * @param keyType          lego's key type
     * @param renewInterval    the timer's OnCalendar
     * @param from             the options that produced it
     */
    record Cert(String name, String domain, List<String> extraDomainNames, String webroot, String dnsProvider,
                String group, List<String> reloadServices, String server, String email, long validMinDays,
                String keyType, String renewInterval, List<String> from) {

        /** Every domain: the main one first. */
        List<String> domains() {
            Set<String> all = new LinkedHashSet<>();
            all.add(domain);
            all.addAll(extraDomainNames);
            return List.copyOf(all);
        }

        /** The directory of the files nginx and others read. */
        String dir() {
            return DIR + "/" + name;
        }
    }

    private AcmeCerts() {
    }

    /** The certificates, by name, in name order. */
    static Map<String, Cert> of(Config config) {
        Map<String, Cert> out = new TreeMap<>();
        for (String name : config.names(A + "certs")) {
            out.put(name, declared(config, name));
        }
        if (config.bool("services.nginx.enable")) {
            for (String vhost : config.names("services.nginx.virtualHosts")) {
                Config.Scope vh = config.scope("services.nginx.virtualHosts", vhost);
                if (!vh.bool("enableACME")) {
                    continue;
                }
                String name = vh.str("serverName") != null ? vh.str("serverName") : vhost;
                Cert fromVhost = defaults(config, name, name, vh.strings("serverAliases"),
                        vh.str("acmeRoot"), NGINX_GROUP, List.of("nginx.service"),
                        List.of(vh.name("enableACME"), vh.name("serverName"), vh.name("serverAliases"),
                                vh.name("acmeRoot")));
                Cert explicit = out.get(name);
                out.put(name, explicit == null ? fromVhost : merge(explicit, fromVhost));
            }
        }
        return out;
    }

    private static Cert declared(Config config, String name) {
        Config.Scope c = config.scope(A + "certs", name);
        List<String> from = new ArrayList<>();
        for (String o : List.of("domain", "extraDomainNames", "webroot", "dnsProvider", "group", "reloadServices",
                "server", "email", "validMinDays", "keyType")) {
            from.add(c.name(o));
        }
        Cert base = defaults(config, name, c.str("domain") != null ? c.str("domain") : name,
                c.strings("extraDomainNames"), c.str("webroot"), c.str("group"), c.strings("reloadServices"), from);
        return new Cert(name, base.domain(), base.extraDomainNames(), base.webroot(),
                c.str("dnsProvider") != null ? c.str("dnsProvider") : base.dnsProvider(), base.group(),
                base.reloadServices(), c.str("server") != null ? c.str("server") : base.server(),
                c.str("email") != null ? c.str("email") : base.email(),
                c.get("validMinDays") != null ? c.integer("validMinDays") : base.validMinDays(),
                c.str("keyType") != null ? c.str("keyType") : base.keyType(), base.renewInterval(), base.from());
    }

    /** A certificate from the given values, each null one taken from {@code security.acme.defaults}. */
    private static Cert defaults(Config config, String name, String domain, List<String> extra, String webroot,
                                 String group, List<String> reload, List<String> from) {
        String d = A + "defaults.";
        List<String> all = new ArrayList<>(from);
        for (String o : List.of("webroot", "dnsProvider", "group", "reloadServices", "server", "email",
                "validMinDays", "keyType", "renewInterval")) {
            all.add(d + o);
        }
        all.add(A + "acceptTerms");
        List<String> reloads = new ArrayList<>(config.strings(d + "reloadServices"));
        reload.stream().filter(r -> !reloads.contains(r)).forEach(reloads::add);
        return new Cert(name, domain, List.copyOf(extra), webroot != null ? webroot : config.str(d + "webroot"),
                config.str(d + "dnsProvider"), group != null ? group : config.str(d + "group"), List.copyOf(reloads),
                config.str(d + "server"), config.str(d + "email"), config.integer(d + "validMinDays"),
                config.str(d + "keyType"), config.str(d + "renewInterval"), List.copyOf(all));
    }

    /** A declared certificate completed by a virtual host's: the declaration's values win, lists are joined. */
    private static Cert merge(Cert explicit, Cert vhost) {
        List<String> extra = new ArrayList<>(explicit.extraDomainNames());
        vhost.extraDomainNames().stream().filter(e -> !extra.contains(e)).forEach(extra::add);
        List<String> reload = new ArrayList<>(explicit.reloadServices());
        vhost.reloadServices().stream().filter(e -> !reload.contains(e)).forEach(reload::add);
        List<String> from = new ArrayList<>(explicit.from());
        from.addAll(vhost.from());
        return new Cert(explicit.name(), explicit.domain(), List.copyOf(extra),
                explicit.webroot() != null ? explicit.webroot() : vhost.webroot(), explicit.dnsProvider(),
                explicit.group(), List.copyOf(reload), explicit.server(), explicit.email(), explicit.validMinDays(),
                explicit.keyType(), explicit.renewInterval(), List.copyOf(from));
    }
}
