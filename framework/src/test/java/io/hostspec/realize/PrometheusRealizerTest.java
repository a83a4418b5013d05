package io.hostspec.realize;

import com.fasterxml.jackson.databind.JsonNode;
import io.hostspec.module.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** services.prometheus (server and exporters) and services.gatus realized with Debian's Prometheus packages. */
class PrometheusRealizerTest {

    @TempDir
    Path root;

    private Recipe realize(String host) throws IOException {
        return TestHost.realize(root, host);
    }

    private static JsonNode json(Recipe r, String path) throws IOException {
        return PrometheusRealizer.JSON.readTree(r.files().get(path).content());
    }

    @Test
    void serverWithScrapeConfigsAndNodeExporter() throws IOException {
        Recipe r = realize("""
                "services.prometheus.enable" = true
                "services.prometheus.port" = 9091
                "services.prometheus.globalConfig.scrape_interval" = "15s"
                "services.prometheus.exporters.node.enable" = true
                "services.prometheus.exporters.node.openFirewall" = true
                "services.prometheus.exporters.node.enabledCollectors" = ["systemd"]
                "services.prometheus.scrapeConfigs" = [
                  { job_name = "node", scrape_interval = "5s", static_configs = [{ targets = ["localhost:9100"] }] },
                ]
                """);
        assertTrue(r.packages().containsAll(List.of("prometheus", "prometheus-node-exporter")), r.packages().toString());
        assertFalse(r.packages().contains("prometheus-blackbox-exporter"));
        JsonNode yml = json(r, "/etc/prometheus/prometheus.yml");
        assertEquals("15s", yml.at("/global/scrape_interval").asText());
        assertEquals("node", yml.at("/scrape_configs/0/job_name").asText());
        assertEquals("localhost:9100", yml.at("/scrape_configs/0/static_configs/0/targets/0").asText());
        String unit = r.units().get("prometheus.service").content();
        assertTrue(unit.contains("ExecStart=/usr/bin/prometheus --config.file=/etc/prometheus/prometheus.yml "
                + "--storage.tsdb.path=/var/lib/prometheus2/data --web.listen-address=0.0.0.0:9091\n"), unit);
        assertTrue(unit.contains("User=prometheus\n") && unit.contains("StateDirectory=prometheus2\n"), unit);
        assertTrue(r.stateDirs().contains("/var/lib/prometheus2"));
        assertTrue(r.units().get("prometheus.service").wantedBy().contains("multi-user.target"));
        String node = r.units().get("prometheus-node-exporter.service").content();
        assertTrue(node.contains("ExecStart=/usr/bin/prometheus-node-exporter --collector.systemd "
                + "--web.listen-address=0.0.0.0:9100\n"), node);
        assertTrue(node.contains("DynamicUser=yes"), node);
        assertTrue(r.nftables().contains("tcp dport { 9100 } accept"), r.nftables());
        assertFalse(r.nftables().contains("9091"), "the server's port stays closed unless a module opens it");
        assertTrue(r.artifacts().get("file:/etc/prometheus/prometheus.yml").contains("services.prometheus.scrapeConfigs"));
    }

    @Test
    void aChangedConfigurationChangesTheUnitSoThatASwitchRestartsIt() throws IOException {
        String a = realize("\"services.prometheus.enable\" = true\n").units().get("prometheus.service").content();
        String b = realize("\"services.prometheus.enable\" = true\n"
                + "\"services.prometheus.globalConfig.scrape_interval\" = \"7s\"\n")
                .units().get("prometheus.service").content();
        assertNotEquals(a, b);
    }

    @Test
    void blackboxExporterHasADefaultModuleOrItsSettings() throws IOException {
        Recipe plain = realize("\"services.prometheus.exporters.blackbox.enable\" = true\n");
        assertEquals("http", json(plain, "/etc/prometheus/blackbox.yml").at("/modules/http_2xx/prober").asText());
        assertFalse(plain.packages().contains("prometheus"), "the exporter alone runs no server");
        String unit = plain.units().get("prometheus-blackbox-exporter.service").content();
        assertTrue(unit.contains("--config.file=/etc/prometheus/blackbox.yml --web.listen-address=0.0.0.0:9115"), unit);

        Recipe own = realize("""
                "services.prometheus.exporters.blackbox.enable" = true
                "services.prometheus.exporters.blackbox.settings".modules.tcp_ok = { prober = "tcp" }
                """);
        JsonNode modules = json(own, "/etc/prometheus/blackbox.yml").at("/modules");
        assertEquals("tcp", modules.at("/tcp_ok/prober").asText());
        assertTrue(modules.at("/http_2xx").isMissingNode());

        Recipe file = realize("""
                "services.prometheus.exporters.blackbox.enable" = true
                "services.prometheus.exporters.blackbox.configFile" = "/etc/blackbox/mine.yml"
                """);
        assertFalse(file.files().containsKey("/etc/prometheus/blackbox.yml"));
        assertTrue(file.units().get("prometheus-blackbox-exporter.service").content()
                .contains("--config.file=/etc/blackbox/mine.yml"));
    }

    @Test
    void aScrapeConfigWithAnUnknownKeyNamesItsLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> realize("""
                "services.prometheus.enable" = true
                "services.prometheus.scrapeConfigs" = [{ job_name = "x", static_config = [] }]
                """));
        assertTrue(e.getMessage().contains("unknown key `static_config'"), e.getMessage());
        assertTrue(e.getMessage().contains("vm-images/hosts/h.toml:2"), e.getMessage());
    }

    @Test
    void gatusEndpointsBecomeBlackboxProbesScrapedByPrometheus() throws IOException {
        Recipe r = realize("""
                "services.gatus.enable" = true
                "services.gatus.settings".endpoints = [
                  { name = "wiki", url = "http://wiki.home.lab/", interval = "5s", conditions = ["[STATUS] == 200", "[BODY] == pat(*Wiki*)"] },
                  { name = "db", url = "tcp://127.0.0.1:5432", conditions = ["[CONNECTED] == true", "[RESPONSE_TIME] < 300"] },
                ]
                """);
        assertTrue(r.packages().containsAll(List.of("prometheus", "prometheus-blackbox-exporter")));
        JsonNode modules = json(r, "/etc/prometheus/blackbox.yml").at("/modules");
        assertEquals("http", modules.at("/gatus_wiki/prober").asText());
        assertEquals(200, modules.at("/gatus_wiki/http/valid_status_codes/0").asInt());
        assertEquals(".*\\QWiki\\E.*", modules.at("/gatus_wiki/http/fail_if_body_not_matches_regexp/0").asText());
        assertEquals("tcp", modules.at("/gatus_db/prober").asText());
        assertEquals("300ms", modules.at("/gatus_db/timeout").asText());
        assertTrue(modules.at("/http_2xx").isMissingNode());
        JsonNode job = json(r, "/etc/prometheus/prometheus.yml").at("/scrape_configs/0");
        assertEquals("gatus-wiki", job.at("/job_name").asText());
        assertEquals("5s", job.at("/scrape_interval").asText());
        assertEquals("5s", job.at("/scrape_timeout").asText(), "a timeout above the interval is a config error");
        assertEquals("/probe", job.at("/metrics_path").asText());
        assertEquals("gatus_wiki", job.at("/params/module/0").asText());
        assertEquals("http://wiki.home.lab/", job.at("/static_configs/0/targets/0").asText());
        assertEquals("127.0.0.1:9115", job.at("/relabel_configs/2/replacement").asText());
        assertEquals("60s", json(r, "/etc/prometheus/prometheus.yml").at("/scrape_configs/1/scrape_interval").asText());
        String health = r.files().get(GatusProbes.HEALTH).content();
        assertTrue(health.contains("http://127.0.0.1:9090/api/v1/query"), health);
        assertTrue(health.contains("query=probe_success{job=\\\"gatus-$name\\\"}"), health);
        assertEquals("0755", r.files().get(GatusProbes.HEALTH).mode());
    }

    @Test
    void aConditionWithoutABlackboxEquivalentIsRejectedWithItsLine() {
        ConfigException e = assertThrows(ConfigException.class, () -> realize("""
                "services.gatus.enable" = true
                "services.gatus.settings".endpoints = [{ name = "x", url = "http://x/", conditions = ["[CERTIFICATE_EXPIRATION] > 48h"] }]
                """));
        assertTrue(e.getMessage().contains("condition `[CERTIFICATE_EXPIRATION] > 48h'"), e.getMessage());
        assertTrue(e.getMessage().contains("vm-images/hosts/h.toml:2"), e.getMessage());
    }

    @Test
    void anEndpointWithoutAUrlOrWithADuplicateNameIsRejected() {
        assertTrue(assertThrows(ConfigException.class, () -> realize("""
                "services.gatus.enable" = true
                "services.gatus.settings".endpoints = [{ name = "x" }]
                """)).getMessage().contains("needs a name and a url"));
        assertTrue(assertThrows(ConfigException.class, () -> realize("""
                "services.gatus.enable" = true
                "services.gatus.settings".endpoints = [{ name = "x", url = "http://a/" }, { name = "x", url = "http://b/" }]
                """)).getMessage().contains("Two Gatus endpoints are named `x'"));
    }
}
