package io.hostspec.realize;

import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;
import io.hostspec.module.Values;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code services.gatus.settings.endpoints}, NixOS' interface to the Gatus health dashboard, realized without Gatus
 * (Debian does not package it): every endpoint becomes a blackbox exporter module {@code gatus_<name>} and a
 * Prometheus scrape job {@code gatus-<name>} that probes the endpoint's url every {@code interval}. Its health is
 * the series {@code probe_success{job="gatus-<name>"}}, which the command {@value #HEALTH} reads on the guest.
 *
 * <p>The conditions Gatus evaluates become the blackbox module's checks; only the forms with a blackbox equivalent
 * are accepted ({@link #CONDITIONS}), any other is an error naming its definition. There is no Gatus web UI, no
 * alerting and no history beyond Prometheus' own. Pure: reads the configuration, returns values; the
 * {@link PrometheusRealizer} writes them.
 */
final class GatusProbes {

    static final String P = "services.gatus.";
    /** The command that prints an endpoint's health on the guest. */
    static final String HEALTH = "/usr/local/bin/gatus-health";

    /** What the conditions may say, as written in messages. */
    static final String CONDITIONS = "\"[STATUS] == 200\", \"[STATUS] < 300\", \"[BODY] == pat(*text*)\", "
            + "\"[RESPONSE_TIME] < 500\", \"[CONNECTED] == true\"";

    private static final Pattern STATUS_EQ = Pattern.compile("\\[STATUS]\\s*==\\s*(\\d{3})");
    private static final Pattern STATUS_2XX = Pattern.compile("\\[STATUS]\\s*<\\s*300");
    private static final Pattern BODY = Pattern.compile("\\[BODY]\\s*==\\s*(?:pat\\((.*)\\)|(.*))");
    private static final Pattern RESPONSE_TIME = Pattern.compile("\\[RESPONSE_TIME]\\s*<\\s*(\\d+)");
    private static final Pattern CONNECTED = Pattern.compile("\\[CONNECTED]\\s*==\\s*true");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern DURATION = Pattern.compile("\\d+(ms|s|m|h)");

    /**
     * One endpoint, translated.
     *
     * @param name     the endpoint's name
     * @param url      what is probed
     * @param interval how often, a Prometheus duration
     * @param module   the blackbox module
     */
    record Probe(String name, String url, String interval, Map<String, Object> module) {
    }

    private final boolean enabled;
    private final List<Probe> probes;

    private GatusProbes(boolean enabled, List<Probe> probes) {
        this.enabled = enabled;
        this.probes = List.copyOf(probes);
    }

    static List<OptionDecl> options() {
        return new Declarations("services.gatus")
                .add(P + "enable", Types.bool(), false, "Whether to monitor the endpoints of settings.endpoints "
                        + "(realized with Prometheus and the blackbox exporter; see docs/monitoring.md).")
                .add(P + "settings", Types.attrsOf(Types.anything()), Map.of(),
                        "Gatus' configuration; hostspec reads endpoints: a list of tables with name, url, interval "
                                + "(default 60s) and conditions.")
                .list();
    }

    /**
     * Reads and checks the endpoints.
     *
     * @throws io.hostspec.module.ConfigException for an endpoint without name or url, a duplicate name, a bad
     *                                            interval or a condition without a blackbox equivalent
     */
    static GatusProbes of(Config config, RecipeBuilder recipe) {
        if (!config.bool(P + "enable")) {
            return new GatusProbes(false, List.of());
        }
        List<Probe> out = new ArrayList<>();
        Object endpoints = config.scope("services.gatus").table("settings").get("endpoints");
        if (endpoints != null && !(endpoints instanceof List<?>)) {
            throw recipe.error("services.gatus.settings.endpoints must be a list of endpoints.", P + "settings");
        }
        for (Object e : endpoints == null ? List.of() : (List<?>) endpoints) {
            Probe p = probe(e, recipe);
            if (out.stream().anyMatch(o -> o.name().equals(p.name()))) {
                throw recipe.error("Two Gatus endpoints are named `" + p.name() + "'; names must be unique.",
                        P + "settings");
            }
            out.add(p);
        }
        return new GatusProbes(true, out);
    }

    private static Probe probe(Object e, RecipeBuilder recipe) {
        if (!(e instanceof Map<?, ?> m) || !(m.get("name") instanceof String name) || !(m.get("url") instanceof String url)) {
            throw recipe.error("Every Gatus endpoint needs a name and a url, e.g. { name = \"wiki\", url = "
                    + "\"http://wiki.home.lab/\", interval = \"30s\", conditions = [\"[STATUS] == 200\"] }; got "
                    + Values.toml(e) + ".", P + "settings");
        }
        if (!NAME.matcher(name).matches()) {
            throw recipe.error("The Gatus endpoint name `" + name + "' may only have letters, digits, `_', `.' and "
                    + "`-' (it names a Prometheus job).", P + "settings");
        }
        String interval = m.get("interval") == null ? "60s" : String.valueOf(m.get("interval"));
        if (!DURATION.matcher(interval).matches()) {
            throw recipe.error("The interval of the Gatus endpoint `" + name + "' is `" + interval + "'; write it "
                    + "like \"30s\" or \"5m\".", P + "settings");
        }
        Map<String, Object> module = new LinkedHashMap<>();
        Map<String, Object> http = new LinkedHashMap<>();
        String prober;
        if (url.startsWith("http://") || url.startsWith("https://")) {
            prober = "http";
        } else if (url.startsWith("tcp://")) {
            prober = "tcp";
        } else if (url.startsWith("icmp://")) {
            prober = "icmp";
        } else {
            throw recipe.error("The Gatus endpoint `" + name + "' has the url `" + url + "'; the stand-in probes "
                    + "http://, https://, tcp:// and icmp:// urls.", P + "settings");
        }
        module.put("prober", prober);
        Object conditions = m.get("conditions");
        for (Object c : conditions instanceof List<?> l ? l : conditions == null ? List.of() : List.of(conditions)) {
            String cond = String.valueOf(c).strip();
            Matcher x;
            if ((x = STATUS_EQ.matcher(cond)).matches() && prober.equals("http")) {
                http.put("valid_status_codes", List.of(Long.parseLong(x.group(1))));
            } else if (STATUS_2XX.matcher(cond).matches() && prober.equals("http")) {
                http.remove("valid_status_codes"); // the blackbox exporter's default: any 2xx
            } else if ((x = BODY.matcher(cond)).matches() && prober.equals("http")) {
                String text = x.group(1) != null ? x.group(1) : x.group(2);
                http.put("fail_if_body_not_matches_regexp", List.of(bodyRegex(text, x.group(1) != null)));
            } else if ((x = RESPONSE_TIME.matcher(cond)).matches()) {
                module.put("timeout", x.group(1) + "ms");
            } else if (!CONNECTED.matcher(cond).matches()) {
                throw recipe.error("The Gatus endpoint `" + name + "' has the condition `" + cond + "', which the "
                        + "stand-in (the blackbox exporter, " + prober + " prober) cannot check; it checks "
                        + CONDITIONS + ".", P + "settings");
            }
        }
        if (prober.equals("http")) {
            http.put("preferred_ip_protocol", "ip4");
            module.put("http", http);
        } else if (prober.equals("tcp")) {
            module.put("tcp", Map.of("preferred_ip_protocol", "ip4"));
        } else {
            module.put("icmp", Map.of("preferred_ip_protocol", "ip4"));
        }
        return new Probe(name, url, interval, module);
    }

    /** Gatus' pat(): {@code *} is any text; everything else is literal. Without pat(), the whole body is the text. */
    private static String bodyRegex(String text, boolean pattern) {
        if (!pattern) {
            return "^" + Pattern.quote(text) + "$";
        }
        StringBuilder b = new StringBuilder();
        for (String part : text.split("\\*", -1)) {
            if (!b.isEmpty() || text.startsWith("*")) {
                b.append(".*");
            }
            if (!part.isEmpty()) {
                b.append(Pattern.quote(part));
            }
        }
        return b.toString().replace(".*.*", ".*");
    }

    /** Whether {@code services.gatus.enable} is true. */
    boolean enabled() {
        return enabled;
    }

    /** The option that enabled the probes, for provenance; null when disabled. */
    String option() {
        return enabled ? P + "enable" : null;
    }

    /** The probes, in the order of the endpoints. */
    List<Probe> probes() {
        return probes;
    }

    /** One blackbox module per endpoint, {@code gatus_<name>}. */
    Map<String, Object> blackboxModules() {
        Map<String, Object> out = new LinkedHashMap<>();
        probes.forEach(p -> out.put("gatus_" + p.name(), p.module()));
        return out;
    }

    /** One scrape job per endpoint, {@code gatus-<name>}, probing through the local blackbox exporter. */
    List<Object> scrapeConfigs(long blackboxPort) {
        List<Object> out = new ArrayList<>();
        for (Probe p : probes) {
            Map<String, Object> job = new LinkedHashMap<>();
            job.put("job_name", "gatus-" + p.name());
            job.put("scrape_interval", p.interval());
            job.put("scrape_timeout", p.interval().endsWith("ms") || seconds(p.interval()) < 10 ? p.interval() : "10s");
            job.put("metrics_path", "/probe");
            job.put("params", Map.of("module", List.of("gatus_" + p.name())));
            job.put("static_configs", List.of(Map.of("targets", List.of(p.url()),
                    "labels", Map.of("endpoint", p.name()))));
            job.put("relabel_configs", List.of(
                    Map.of("source_labels", List.of("__address__"), "target_label", "__param_target"),
                    Map.of("target_label", "instance", "replacement", p.name()),
                    Map.of("target_label", "__address__", "replacement", "127.0.0.1:" + blackboxPort)));
            out.add(job);
        }
        return out;
    }

    private static long seconds(String d) {
        long n = Long.parseLong(d.replaceAll("\\D", ""));
        return switch (d.replaceAll("\\d", "")) {
            case "m" -> n * 60;
            case "h" -> n * 3600;
            default -> n;
        };
    }

    /** The guest command {@value #HEALTH}: prints healthy, unhealthy or unknown for an endpoint's name. */
    static String healthScript(long prometheusPort) {
        return """
                #!/bin/sh
                # gatus-health NAME [healthy|unhealthy|unknown]
                # The health of the services.gatus endpoint NAME as its stand-in sees it: the last value of
                # probe_success{job="gatus-NAME"} in the local Prometheus. Prints healthy, unhealthy or unknown (no
                # probe yet). Exits 0 when healthy, or, given a second argument, when the health is that one.
                set -u
                name="$1"
                want="${2:-healthy}"
                state=unknown
                if out=$(curl -fsS --get --data-urlencode "query=probe_success{job=\\"gatus-$name\\"}" \\
                    http://127.0.0.1:%d/api/v1/query 2>&1); then
                  case "$(printf '%%s' "$out" | sed -n 's/.*"value":\\[[^,]*,"\\([^"]*\\)"\\].*/\\1/p')" in
                    1) state=healthy ;;
                    0) state=unhealthy ;;
                  esac
                else
                  echo "gatus-health: cannot query Prometheus: $out" >&2
                fi
                echo "$state"
                [ "$state" = "$want" ]
                """.formatted(prometheusPort);
    }
}
