package io.agenttriggers.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Redis holds nothing durable (docs/operations.md): flushed under the running stack, in the middle of traffic,
 * every accepted trigger still runs exactly once. The webhook dedup keys are gone, so a delivery repeated after the
 * flush is accepted again under a new run id, and the dispatcher's ledger records that run as the first one's
 * duplicate: the runtime is still called once.
 */
class RedisFlushIT {

    static final StackProcesses STACK = new StackProcesses("runtime-simulator", "agent-dispatcher",
            "governance-service", "api-gateway", "webhook-gateway");
    static final String ADMIN = "Bearer " + StackProcesses.ADMIN_TOKEN;

    @BeforeAll
    static void start() throws Exception {
        STACK.start();
    }

    @AfterAll
    static void stop() {
        STACK.stop();
    }

    @Test
    void flushingRedisUnderTrafficLosesNothingAndRunsNothingTwice() throws Exception {
        String tenant = "flush-" + StackProcesses.SUFFIX;
        String secret = "flush-" + UUID.randomUUID();
        String endpointId = given().baseUri(STACK.url("webhook-gateway")).header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"name\":\"flush-" + StackProcesses.SUFFIX + "\",\"tenantId\":\"" + tenant + "\","
                        + "\"eventName\":\"github\",\"auth\":{\"type\":\"github\"},\"secret\":\"" + secret + "\"}")
                .when().post("/api/v1/endpoints")
                .then().statusCode(201).extract().path("id");

        List<String> apiRuns = new ArrayList<>();
        List<String> webhookRuns = new ArrayList<>();
        String repeated = UUID.randomUUID().toString();
        String firstOfRepeated = deliver(endpointId, secret, repeated, 0);
        webhookRuns.add(firstOfRepeated);
        for (int i = 1; i <= 20; i++) {
            apiRuns.add(fire(i));
            webhookRuns.add(deliver(endpointId, secret, UUID.randomUUID().toString(), i));
        }
        assertThat(deliver(endpointId, secret, repeated, 0)).as("before the flush: Redis knows the delivery")
                .isEqualTo(firstOfRepeated);

        assertThat(redis("FLUSHALL")).isEqualTo("+OK");

        String secondOfRepeated = deliver(endpointId, secret, repeated, 0);
        assertThat(secondOfRepeated).as("after the flush the gateway has forgotten the delivery id")
                .isNotEqualTo(firstOfRepeated);
        for (int i = 21; i <= 40; i++) {
            apiRuns.add(fire(i));
            webhookRuns.add(deliver(endpointId, secret, UUID.randomUUID().toString(), i));
        }

        // Every accepted webhook delivery is in the ledger, finished: one run per accepted run id, the repeat a
        // duplicate of the first.
        Awaitility.await().atMost(120, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).until(() -> {
            List<Map<String, Object>> runs = STACK.ledger("tenantId", tenant);
            return runs.size() == webhookRuns.size() + 1
                    && runs.stream().allMatch(r -> StackProcesses.terminal((String) r.get("status")));
        });
        List<Map<String, Object>> runs = STACK.ledger("tenantId", tenant);
        assertThat(runs).extracting(r -> (String) r.get("runId"))
                .containsExactlyInAnyOrderElementsOf(concat(webhookRuns, secondOfRepeated));
        for (Map<String, Object> run : runs) {
            String runId = (String) run.get("runId");
            if (runId.equals(secondOfRepeated)) {
                assertThat(run.get("status")).isEqualTo("duplicate");
                assertThat(run.get("originalRunId")).isEqualTo(firstOfRepeated);
                assertThat(simulatorCalls(runId)).isZero();
            } else {
                assertThat(run.get("status")).as("run %s", runId).isEqualTo("succeeded");
                assertThat(simulatorCalls(runId)).as("runtime calls of %s", runId).isEqualTo(1);
            }
        }
        // And every API trigger, before and after the flush.
        for (String runId : apiRuns) {
            Awaitility.await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200)).until(() ->
                    "succeeded".equals(given().baseUri(STACK.url("agent-dispatcher")).header("Authorization", ADMIN)
                            .when().get("/api/v1/runs/" + runId).then().extract().path("status")));
            assertThat(simulatorCalls(runId)).as("runtime calls of %s", runId).isEqualTo(1);
        }
    }

    private static List<String> concat(List<String> list, String one) {
        List<String> all = new ArrayList<>(list);
        all.add(one);
        return all;
    }

    static String fire(int n) {
        return given().baseUri(STACK.url("api-gateway")).contentType("application/json")
                .body("{\"name\":\"flush-" + n + "\"}")
                .when().post("/api/v1/hello")
                .then().statusCode(202).extract().path("runId");
    }

    static String deliver(String endpointId, String secret, String delivery, int n) throws Exception {
        String body = "{\"ref\":\"refs/heads/main\",\"after\":\"c" + n + "\"}";
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(StandardCharsets.UTF_8)));
        return given().baseUri(STACK.url("webhook-gateway")).contentType("application/json")
                .header("X-GitHub-Event", "push").header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", signature).body(body)
                .when().post("/webhooks/" + endpointId)
                .then().statusCode(202).extract().path("runId");
    }

    static long simulatorCalls(String idempotencyKey) {
        Number n = given().baseUri(STACK.url("runtime-simulator")).when().get("/v1/stats")
                .then().statusCode(200).extract().path("byIdempotencyKey.'" + idempotencyKey + "'");
        return n == null ? 0 : n.longValue();
    }

    /** One command to the local Redis, in RESP; answers its first line. */
    static String redis(String command) throws IOException {
        String host = System.getProperty("redis.host", "127.0.0.1");
        int port = Integer.getInteger("redis.port", 6379);
        try (Socket socket = new Socket(host, port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("*1\r\n$" + command.length() + "\r\n" + command + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c = in.read(); c != -1 && c != '\r'; c = in.read()) {
                line.append((char) c);
            }
            return line.toString();
        }
    }
}
