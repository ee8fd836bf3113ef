package io.agenttriggers.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The alert rules, their unit tests and the dashboard, checked with the tools that will load them: promtool (from
 * Debian's prometheus package, which deploy/local/stack.sh installs for the tests) and kustomize.
 */
class MonitoringRulesTest {

    @Test
    void promtoolAcceptsTheRulesAndEveryAlertFiresAndStaysQuietAsItsUnitTestsSay() throws Exception {
        assertThat(promtool("check", "rules", Monitoring.RULES.toString())).contains("SUCCESS");
        String tests = promtool("test", "rules", Monitoring.DIR.resolve("rules/agent-triggers.tests.yml").toString());
        assertThat(tests).contains("SUCCESS");
        assertThat(promtool("check", "config", Monitoring.DIR.resolve("prometheus-local.yml").toString()))
                .contains("SUCCESS");
    }

    @Test
    void theUnitTestsMakeEveryAlertFireAndStayQuiet() throws IOException {
        JsonNode tests = Monitoring.YAML.readTree(Monitoring.DIR.resolve("rules/agent-triggers.tests.yml").toFile());
        Set<String> fired = new HashSet<>();
        Set<String> quiet = new HashSet<>();
        for (JsonNode test : tests.get("tests")) {
            for (JsonNode check : test.get("alert_rule_test")) {
                (check.get("exp_alerts").isEmpty() ? quiet : fired).add(check.get("alertname").asText());
            }
        }
        List<String> alerts = Monitoring.alerts().stream().map(Monitoring.Alert::name).toList();
        assertThat(fired).as("alerts with a test that makes them fire").containsExactlyInAnyOrderElementsOf(alerts);
        assertThat(quiet).as("alerts with a test that keeps them quiet").containsExactlyInAnyOrderElementsOf(alerts);
    }

    @Test
    void thePrometheusRuleCarriesExactlyTheRuleFile() throws IOException {
        JsonNode rule = Monitoring.YAML.readTree(Monitoring.DIR.resolve("prometheus-rule.yaml").toFile());
        assertThat(rule.get("kind").asText()).isEqualTo("PrometheusRule");
        assertThat(rule.get("spec")).as("prometheus-rule.yaml is stale: run deploy/monitoring/sync-prometheus-rule.sh")
                .isEqualTo(Monitoring.YAML.readTree(Monitoring.RULES.toFile()));
    }

    @Test
    void everyAlertHasASeverityASummaryAndARunbookInOperationsMd() throws IOException {
        String operations = Files.readString(DockerComposeTest.ROOT.resolve("docs/operations.md"));
        for (Monitoring.Alert alert : Monitoring.alerts()) {
            assertThat(alert.annotations().path("summary").asText()).as(alert.name() + " summary").isNotBlank();
            assertThat(alert.annotations().path("runbook_url").asText()).as(alert.name() + " runbook_url")
                    .endsWith("docs/operations.md#" + alert.name().toLowerCase(Locale.ROOT));
            assertThat(operations).as("docs/operations.md has a runbook for " + alert.name())
                    .contains("\n### " + alert.name() + "\n");
        }
    }

    @Test
    void theDashboardIsProvisioningReady() throws IOException {
        JsonNode dashboard = Monitoring.dashboard();
        assertThat(dashboard.path("uid").asText()).isEqualTo("agent-triggers");
        assertThat(dashboard.path("templating").path("list").findValuesAsText("name"))
                .contains("datasource", "service");
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            assertThat(ids.add(panel.get("id").asInt())).as("panel id " + panel.get("id") + " is unique").isTrue();
            JsonNode grid = panel.get("gridPos");
            assertThat(grid.get("x").asInt() + grid.get("w").asInt()).as(panel.get("title") + " fits 24 columns")
                    .isLessThanOrEqualTo(24);
            if (!"row".equals(panel.path("type").asText())) {
                assertThat(panel.path("datasource").path("uid").asText()).isEqualTo("${datasource}");
                assertThat(panel.path("targets")).as(panel.get("title") + " has queries").isNotEmpty();
                panel.path("targets").forEach(t -> assertThat(Monitoring.metricNames(t.path("expr").asText()))
                        .as(panel.get("title") + " reads a metric").isNotEmpty());
            }
        }
        assertThat(Monitoring.panels()).hasSizeGreaterThan(20);
    }

    @Test
    void theOperatorBundleRendersWithTheDashboardForGrafanasSidecar() throws Exception {
        Process p = new ProcessBuilder("kubectl", "kustomize", Monitoring.DIR.toString()).redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        List<String> kinds = new ArrayList<>();
        for (JsonNode doc : Monitoring.YAML.readerFor(JsonNode.class).<JsonNode>readValues(out).readAll()) {
            kinds.add(doc.get("kind").asText());
            if ("ConfigMap".equals(doc.get("kind").asText())) {
                assertThat(doc.at("/metadata/labels/grafana_dashboard").asText()).isEqualTo("1");
                assertThat(Monitoring.JSON.readTree(doc.at("/data/agent-triggers.json").asText()))
                        .isEqualTo(Monitoring.dashboard());
            }
        }
        assertThat(kinds).containsExactlyInAnyOrder("ConfigMap", "PodMonitor", "PrometheusRule");
    }

    /** Runs promtool; its output, after asserting that it succeeded. */
    static String promtool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + "\n" + out).isZero();
        return out;
    }
}
