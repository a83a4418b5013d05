package io.hostspec.realize;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.hostspec.module.Config;
import io.hostspec.module.OptionDecl;
import io.hostspec.module.Types;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code services.prometheus} with NixOS' option names, realized with Debian's prometheus,
 * prometheus-node-exporter and prometheus-blackbox-exporter. Each runs from a unit of hostspec's own that replaces the
 * package's unit of the same name ({@code prometheus.service}, {@code prometheus-node-exporter.service},
 * {@code prometheus-blackbox-exporter.service}) and takes its flags from the options, not from /etc/default.
 *
 * <p>As in NixOS the configuration is written as JSON (a subset of YAML that prometheus reads):
 * /etc/prometheus/prometheus.yml from {@code globalConfig} and {@code scrapeConfigs}, /etc/prometheus/blackbox.yml
 * from the blackbox exporter's {@code configFile} or {@code settings}. The server keeps its data in
 * /var/lib/prometheus2 (a state directory, as in NixOS). Each unit carries the hash of its configuration, so a switch
 * that changes the configuration restarts the unit (NixOS gets the same from the store path in the unit).
 *
 * <p>{@code services.gatus.settings.endpoints} are probed through the same server and blackbox exporter
 * ({@link GatusProbes}): enabling Gatus runs both even when {@code services.prometheus.enable} is false.
 */
final class PrometheusRealizer implements Realizer {

    static final String P = "services.prometheus.";
    static final String NODE = P + "exporters.node.";
    static final String BLACKBOX = P + "exporters.blackbox.";
    static final String CONFIG = "/etc/prometheus/prometheus.yml";
    static final String BLACKBOX_CONFIG = "/etc/prometheus/blackbox.yml";
    static final String STATE = "/var/lib/prometheus2";

    /** The keys of a scrape configuration hostspec passes to prometheus (NixOS' scrapeConfigs submodule). */
    static final Set<String> SCRAPE_KEYS = Set.of("job_name", "static_configs", "metrics_path", "params",
            "relabel_configs", "metric_relabel_configs", "scrape_interval", "scrape_timeout", "scheme",
            "honor_labels", "honor_timestamps", "file_sd_configs");

    // Keys sorted: Map.of iterates in a different order in every JVM, and the file must not (it is part of the image).
    static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).build();

    @Override
    public List<OptionDecl> options() {
        List<OptionDecl> all = new ArrayList<>(GatusProbes.options());
        all.addAll(new Declarations("services.prometheus")
                .add(P + "enable", Types.bool(), false, "Whether to run the Prometheus server (Debian's prometheus).")
                .add(P + "port", Types.port(), 9090L, "Port the server listens on.")
                .add(P + "listenAddress", Types.str(), "0.0.0.0", "Address the server listens on.")
                .add(P + "extraFlags", Types.listOf(Types.str()), List.of(), "Extra command line flags of prometheus.")
                .add(P + "globalConfig.scrape_interval", Types.nullOr(Types.str()), null,
                        "How often targets are scraped by default, e.g. \"15s\"; null: prometheus' default (1m).")
                .add(P + "globalConfig.scrape_timeout", Types.nullOr(Types.str()), null,
                        "How long a scrape may take by default; null: prometheus' default (10s).")
                .add(P + "globalConfig.evaluation_interval", Types.nullOr(Types.str()), null,
                        "How often rules are evaluated; null: prometheus' default (1m).")
                .add(P + "globalConfig.external_labels", Types.attrsOf(Types.str()), Map.of(),
                        "Labels added to every time series sent to other systems.")
                .add(P + "scrapeConfigs", Types.listOf(Types.anything()), List.of(),
                        "Scrape configurations: tables with job_name, static_configs (targets, labels), "
                                + "metrics_path, params, relabel_configs, scrape_interval, ...")
                .add(NODE + "enable", Types.bool(), false, "Whether to run the node exporter.")
                .add(NODE + "port", Types.port(), 9100L, "Port of the node exporter.")
                .add(NODE + "listenAddress", Types.str(), "0.0.0.0", "Address of the node exporter.")
                .add(NODE + "openFirewall", Types.bool(), false, "Whether to open the node exporter's port.")
                .add(NODE + "enabledCollectors", Types.listOf(Types.str()), List.of(),
                        "Collectors enabled in addition to the defaults, e.g. \"systemd\".")
                .add(NODE + "disabledCollectors", Types.listOf(Types.str()), List.of(),
                        "Default collectors that are disabled.")
                .add(NODE + "extraFlags", Types.listOf(Types.str()), List.of(), "Extra flags of the node exporter.")
                .add(BLACKBOX + "enable", Types.bool(), false, "Whether to run the blackbox exporter.")
                .add(BLACKBOX + "port", Types.port(), 9115L, "Port of the blackbox exporter.")
                .add(BLACKBOX + "listenAddress", Types.str(), "0.0.0.0", "Address of the blackbox exporter.")
                .add(BLACKBOX + "openFirewall", Types.bool(), false, "Whether to open the blackbox exporter's port.")
                .add(BLACKBOX + "configFile", Types.nullOr(Types.path()), null,
                        "The exporter's configuration file; null: " + BLACKBOX_CONFIG + " written from settings.")
                .add(BLACKBOX + "settings", Types.attrsOf(Types.anything()), Map.of(),
                        "The exporter's configuration as a table (hostspec; NixOS has only configFile), e.g. "
                                + "modules.http_2xx.prober = \"http\"; empty: one module http_2xx.")
                .add(BLACKBOX + "extraFlags", Types.listOf(Types.str()), List.of(),
                        "Extra flags of the blackbox exporter.")
                .list());
        return List.copyOf(all);
    }

    @Override
    public void realize(Config config, RecipeBuilder recipe) {
        GatusProbes gatus = GatusProbes.of(config, recipe);
        boolean server = config.bool(P + "enable") || gatus.enabled();
        boolean blackbox = config.bool(BLACKBOX + "enable") || gatus.enabled();
        if (server) {
            server(config, recipe, gatus);
        }
        if (config.bool(NODE + "enable")) {
            node(config, recipe);
        }
        if (blackbox) {
            blackbox(config, recipe, gatus);
        }
    }

    private void server(Config config, RecipeBuilder recipe, GatusProbes gatus) {
        String[] from = from(config.bool(P + "enable") ? P + "enable" : null, gatus.option(),
                P + "port", P + "listenAddress", P + "extraFlags");
        Map<String, Object> yml = new LinkedHashMap<>();
        Map<String, Object> global = new LinkedHashMap<>();
        for (String key : List.of("scrape_interval", "scrape_timeout", "evaluation_interval")) {
            String v = config.str(P + "globalConfig." + key);
            if (v != null) {
                global.put(key, v);
            }
        }
        if (!config.scope("services.prometheus.globalConfig").table("external_labels").isEmpty()) {
            global.put("external_labels", config.get(P + "globalConfig.external_labels"));
        }
        if (!global.isEmpty()) {
            yml.put("global", global);
        }
        List<Object> scrape = new ArrayList<>();
        for (Object item : (List<?>) config.get(P + "scrapeConfigs")) {
            scrape.add(checkScrapeConfig(item, recipe));
        }
        scrape.addAll(gatus.scrapeConfigs(config.integer(BLACKBOX + "port")));
        yml.put("scrape_configs", scrape);
        String text = json(yml);
        recipe.pkg("prometheus", from);
        recipe.file(CONFIG, text, from(from, P + "globalConfig.scrape_interval", P + "globalConfig.scrape_timeout",
                P + "globalConfig.evaluation_interval", P + "globalConfig.external_labels", P + "scrapeConfigs"));
        recipe.stateDir(STATE, from);
        List<String> flags = new ArrayList<>(List.of("--config.file=" + CONFIG,
                "--storage.tsdb.path=" + STATE + "/data",
                "--web.listen-address=" + config.str(P + "listenAddress") + ":" + config.integer(P + "port")));
        flags.addAll(config.strings(P + "extraFlags"));
        recipe.unit("prometheus.service", """
                [Unit]
                Description=Prometheus monitoring system and time series database
                After=network.target
                # configuration %1$s sha256 %2$s

                [Service]
                User=prometheus
                Group=prometheus
                ExecStart=/usr/bin/prometheus %3$s
                ExecReload=/bin/kill -HUP $MAINPID
                StateDirectory=prometheus2
                WorkingDirectory=%4$s
                Restart=always

                [Install]
                WantedBy=multi-user.target
                """.formatted(CONFIG, sha256(text), String.join(" ", flags), STATE),
                List.of("multi-user.target"), false, from);
        if (gatus.enabled()) {
            recipe.script(GatusProbes.HEALTH, GatusProbes.healthScript(config.integer(P + "port")), gatus.option(),
                    P + "port");
        }
    }

    private void node(Config config, RecipeBuilder recipe) {
        String[] from = from(NODE + "enable", NODE + "port", NODE + "listenAddress", NODE + "enabledCollectors",
                NODE + "disabledCollectors", NODE + "extraFlags");
        List<String> flags = new ArrayList<>();
        config.strings(NODE + "enabledCollectors").forEach(c -> flags.add("--collector." + c));
        config.strings(NODE + "disabledCollectors").forEach(c -> flags.add("--no-collector." + c));
        flags.add("--web.listen-address=" + config.str(NODE + "listenAddress") + ":" + config.integer(NODE + "port"));
        flags.addAll(config.strings(NODE + "extraFlags"));
        recipe.pkg("prometheus-node-exporter", from);
        recipe.unit("prometheus-node-exporter.service", exporterUnit("Prometheus exporter for machine metrics",
                "/usr/bin/prometheus-node-exporter " + String.join(" ", flags), ""),
                List.of("multi-user.target"), false, from);
        if (config.bool(NODE + "openFirewall")) {
            recipe.port("tcp", config.integer(NODE + "port"), NODE + "port", NODE + "openFirewall");
        }
    }

    private void blackbox(Config config, RecipeBuilder recipe, GatusProbes gatus) {
        String[] from = from(config.bool(BLACKBOX + "enable") ? BLACKBOX + "enable" : null, gatus.option(),
                BLACKBOX + "port", BLACKBOX + "listenAddress", BLACKBOX + "configFile", BLACKBOX + "settings",
                BLACKBOX + "extraFlags");
        String file = config.str(BLACKBOX + "configFile");
        String hash = "";
        if (file == null) {
            Map<String, Object> settings = new LinkedHashMap<>(config.scope("services.prometheus.exporters.blackbox").table("settings"));
            Map<String, Object> modules = new LinkedHashMap<>();
            if (settings.get("modules") instanceof Map<?, ?> m) {
                m.forEach((k, v) -> modules.put((String) k, v));
            } else if (settings.isEmpty() && !gatus.enabled()) {
                modules.put("http_2xx", Map.of("prober", "http"));
            }
            modules.putAll(gatus.blackboxModules());
            settings.put("modules", modules);
            String text = json(settings);
            hash = "# configuration " + BLACKBOX_CONFIG + " sha256 " + sha256(text) + "\n";
            file = BLACKBOX_CONFIG;
            recipe.file(BLACKBOX_CONFIG, text, from);
        } else if (gatus.enabled()) {
            throw recipe.error("services.gatus probes through the blackbox exporter's own modules, so the exporter "
                    + "needs its settings, not a configFile: move the configuration into "
                    + BLACKBOX + "settings.", BLACKBOX + "configFile", gatus.option());
        }
        List<String> flags = new ArrayList<>(List.of("--config.file=" + file, "--web.listen-address="
                + config.str(BLACKBOX + "listenAddress") + ":" + config.integer(BLACKBOX + "port")));
        flags.addAll(config.strings(BLACKBOX + "extraFlags"));
        recipe.pkg("prometheus-blackbox-exporter", from);
        recipe.unit("prometheus-blackbox-exporter.service", exporterUnit("Blackbox prober exporter",
                "/usr/bin/prometheus-blackbox-exporter " + String.join(" ", flags),
                hash + "AmbientCapabilities=CAP_NET_RAW\n"), List.of("multi-user.target"), false, from);
        if (config.bool(BLACKBOX + "openFirewall")) {
            recipe.port("tcp", config.integer(BLACKBOX + "port"), BLACKBOX + "port", BLACKBOX + "openFirewall");
        }
    }

    /** An exporter's unit: a dynamic user, as NixOS runs its exporters; {@code extra} ends with a newline. */
    private static String exporterUnit(String description, String execStart, String extra) {
        String comment = extra.startsWith("#") ? extra.substring(0, extra.indexOf('\n') + 1) : "";
        String keys = extra.substring(comment.length());
        return """
                [Unit]
                Description=%1$s
                After=network.target
                %2$s
                [Service]
                ExecStart=%3$s
                DynamicUser=yes
                %4$sRestart=always

                [Install]
                WantedBy=multi-user.target
                """.formatted(description, comment, execStart, keys);
    }

    /** A scrape configuration as prometheus reads it; unknown keys are errors naming the definition. */
    private static Object checkScrapeConfig(Object item, RecipeBuilder recipe) {
        if (!(item instanceof Map<?, ?> m) || !(m.get("job_name") instanceof String)) {
            throw recipe.error("Every entry of " + P + "scrapeConfigs must be a table with a job_name, e.g. "
                    + "{ job_name = \"node\", static_configs = [{ targets = [\"localhost:9100\"] }] }; got "
                    + io.hostspec.module.Values.toml(item) + ".", P + "scrapeConfigs");
        }
        for (Object key : m.keySet()) {
            if (!SCRAPE_KEYS.contains(key)) {
                throw recipe.error("The scrape configuration `" + m.get("job_name") + "' has an unknown key `" + key
                        + "'; known keys: " + String.join(", ", new java.util.TreeSet<>(SCRAPE_KEYS)) + ".",
                        P + "scrapeConfigs");
            }
        }
        return m;
    }

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The non-null option names, for provenance. */
    private static String[] from(String... options) {
        return java.util.Arrays.stream(options).filter(java.util.Objects::nonNull).toArray(String[]::new);
    }

    private static String[] from(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }
}
