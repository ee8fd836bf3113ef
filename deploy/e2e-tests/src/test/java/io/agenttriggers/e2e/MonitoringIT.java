package io.agenttriggers.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.testing.KafkaTestClient;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The monitoring as an operator gets it: the real services, a real Prometheus (Debian's package) loading
 * deploy/monitoring's rule file and scraping them, and an alert that really fires when the agent runtime fails.
 */
class MonitoringIT {

    static final StackProcesses STACK = new StackProcesses();
    static final String ADMIN = "Bearer " + StackProcesses.ADMIN_TOKEN;
    static final List<String> SERVICES = List.of("api-gateway", "webhook-gateway", "cron-service", "queue-consumer",
            "governance-service", "agent-dispatcher");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    static Process prometheus;
    static String prometheusUrl;
    static String policyId;

    @BeforeAll
    static void start() throws Exception {
        STACK.start();
        startPrometheus();
    }

    @AfterAll
    static void stop() {
        try {
            given().baseUri(STACK.url("runtime-simulator")).contentType("application/json")
                    .body(simulator(0.0)).put("/v1/config");
            if (policyId != null) {
                given().baseUri(STACK.url("governance-service")).header("Authorization", ADMIN)
                        .delete("/api/v1/policies/" + policyId);
            }
        } finally {
            if (prometheus != null) {
                prometheus.destroy();
            }
            STACK.stop();
        }
    }

    @Test
    void everyMetricOfTheAlertsAndTheDashboardIsScrapedAndTheRuntimeAlertFires() throws Exception {
        driveEveryKindOfTraffic();

        Set<String> wanted = new TreeSet<>();
        for (Monitoring.Alert alert : Monitoring.alerts()) {
            wanted.addAll(Monitoring.metricNames(alert.expr()));
        }
        for (Monitoring.Panel panel : Monitoring.panels()) {
            panel.exprs().forEach(e -> wanted.addAll(Monitoring.metricNames(e)));
        }
        wanted.removeAll(Monitoring.EXTERNAL);
        assertThat(wanted).hasSizeGreaterThan(30);
        Awaitility.await("every metric of the alerts and panels in the services' scrape")
                .atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
                    Set<String> missing = new TreeSet<>(wanted);
                    missing.removeAll(scrapedNames());
                    assertThat(missing).as("metrics no service exposes").isEmpty();
                });

        // The runtime fails every call: the dispatcher's breaker opens and the alert fires in Prometheus.
        given().baseUri(STACK.url("runtime-simulator")).contentType("application/json").body(simulator(1.0))
                .put("/v1/config").then().statusCode(200);
        for (int i = 0; i < 8; i++) {
            fireHello();
        }
        Awaitility.await("AgentRuntimeUnavailable firing in Prometheus").atMost(Duration.ofMinutes(4))
                .pollInterval(Duration.ofSeconds(2)).until(() -> {
                    JsonPath alerts = new JsonPath(get(prometheusUrl + "/api/v1/alerts"));
                    List<Map<String, Object>> firing = alerts.getList(
                            "data.alerts.findAll { it.state == 'firing' && it.labels.alertname == "
                                    + "'AgentRuntimeUnavailable' }");
                    return !firing.isEmpty() && "critical".equals(((Map<?, ?>) firing.get(0).get("labels"))
                            .get("severity"));
                });
        JsonPath rules = new JsonPath(get(prometheusUrl + "/api/v1/rules"));
        assertThat(rules.getList("data.groups.rules.flatten().findAll { it.health != 'ok' }.name"))
                .as("rules Prometheus could not evaluate").isEmpty();

        // Every dashboard query is valid PromQL to the real Prometheus.
        for (Monitoring.Panel panel : Monitoring.panels()) {
            for (String expr : panel.exprs()) {
                String q = Monitoring.grafanaExpanded(expr);
                JsonPath answer = new JsonPath(get(prometheusUrl + "/api/v1/query?query="
                        + java.net.URLEncoder.encode(q, StandardCharsets.UTF_8)));
                assertThat(answer.getString("status")).as(panel.title() + ": " + q).isEqualTo("success");
            }
        }
    }

    /** Traffic that makes every lazily registered metric exist: each ingress, a refusal, a quota, a bad record. */
    static void driveEveryKindOfTraffic() throws Exception {
        policyId = given().baseUri(STACK.url("governance-service")).header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"name\":\"e2e-monitoring-" + StackProcesses.SUFFIX + "\",\"tenantId\":\"demo\","
                        + "\"match\":{\"eventNames\":[\"hello.*\"]},\"quota\":{\"maxRunsPerDay\":1000000},"
                        + "\"budget\":{\"maxCostPerDayUsd\":100000}}")
                .post("/api/v1/policies").then().statusCode(201).extract().path("id");
        for (int i = 0; i < 3; i++) {
            fireHello();
        }
        String secret = "e2e-" + UUID.randomUUID();
        String endpointId = given().baseUri(STACK.url("webhook-gateway")).header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"name\":\"e2e-monitoring-" + StackProcesses.SUFFIX + "\",\"tenantId\":\"e2e\","
                        + "\"eventName\":\"github\",\"auth\":{\"type\":\"github\"},\"secret\":\"" + secret + "\"}")
                .post("/api/v1/endpoints").then().statusCode(201).extract().path("id");
        String body = "{\"ref\":\"refs/heads/main\"}";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        for (String sig : List.of(signature, "sha256=" + "0".repeat(64))) {
            given().baseUri(STACK.url("webhook-gateway")).contentType("application/json")
                    .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", UUID.randomUUID().toString())
                    .header("X-Hub-Signature-256", sig).body(body)
                    .post("/webhooks/" + endpointId).then().statusCode(sig.equals(signature) ? 202 : 403);
        }
        String scheduleId = given().baseUri(STACK.url("cron-service")).header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"tenantId\":\"e2e\",\"eventName\":\"report.yearly\",\"expression\":\"0 0 1 1 *\","
                        + "\"timezone\":\"UTC\"}")
                .post("/api/v1/schedules").then().statusCode(201).extract().path("id");
        given().baseUri(STACK.url("cron-service")).header("Authorization", ADMIN)
                .post("/api/v1/schedules/" + scheduleId + "/trigger").then().statusCode(202);
        given().baseUri(STACK.url("cron-service")).header("Authorization", ADMIN)
                .delete("/api/v1/schedules/" + scheduleId).then().statusCode(204);
        // Not a CloudEvent: governance sets it aside on the DLQ topic.
        KafkaTestClient.produceRaw(StackProcesses.TOPICS.get("triggers.inbound"), "poison", Map.of(),
                "not an event".getBytes(StandardCharsets.UTF_8));
    }

    static void fireHello() {
        given().baseUri(STACK.url("api-gateway")).contentType("application/json").body("{\"name\":\"Ada\"}")
                .post("/api/v1/hello").then().statusCode(202);
    }

    static String simulator(double failureRatio) {
        return "{\"latencyMs\":20,\"latencyJitterMs\":0,\"failureRatio\":" + failureRatio + ",\"failureStatus\":503,"
                + "\"mode\":\"sync\",\"asyncCompletionMs\":200,\"costUsd\":0.0021,\"llmCalls\":1}";
    }

    /** The metric names every service exposes now. */
    static Set<String> scrapedNames() throws Exception {
        Set<String> names = new TreeSet<>();
        for (String service : SERVICES) {
            get(STACK.url(service) + "/q/metrics").lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                    .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
        }
        return names;
    }

    static void startPrometheus() throws Exception {
        Path dir = Path.of("target", "prometheus-" + StackProcesses.SUFFIX).toAbsolutePath();
        Files.createDirectories(dir);
        StringBuilder config = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - %s
                scrape_configs:
                  - job_name: agent-triggers
                    metrics_path: /q/metrics
                    static_configs:
                """.formatted(Monitoring.RULES));
        for (String service : SERVICES) {
            config.append("      - targets: [\"").append(STACK.url(service).substring("http://".length()))
                    .append("\"]\n        labels: {service: ").append(service).append("}\n");
        }
        Files.writeString(dir.resolve("prometheus.yml"), config);
        int port = StackProcesses.freePort();
        prometheusUrl = "http://127.0.0.1:" + port;
        prometheus = new ProcessBuilder("prometheus", "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        Awaitility.await("Prometheus ready (log: " + dir.resolve("prometheus.log") + ")").atMost(60, TimeUnit.SECONDS)
                .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                .until(() -> get(prometheusUrl + "/-/ready").contains("Ready"));
    }

    static String get(String url) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }
}
