package io.agenttriggers.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three cron-service replicas over one minute with 500 schedules (100 firing every second, 400 every minute); one
 * replica is killed with SIGKILL half-way. Every (schedule, fire time) of the minute must run exactly once — one
 * succeeded run in the ledger, one call to the runtime — and none may be queued before its fire time.
 */
class CronFailoverIT {

    static final StackProcesses STACK = new StackProcesses("runtime-simulator", "agent-dispatcher",
            "governance-service", "cron-service");
    static final String ADMIN = "Bearer " + StackProcesses.ADMIN_TOKEN;
    static final String TENANT = "e2e-cron-" + StackProcesses.SUFFIX;

    @BeforeAll
    static void start() throws Exception {
        STACK.start();
        STACK.startReplica("cron-service-2", "cron-service");
        STACK.startReplica("cron-service-3", "cron-service");
    }

    @AfterAll
    static void stop() {
        STACK.stop();
    }

    static String create(String expression) {
        return given().baseUri(STACK.url("cron-service")).header("Authorization", ADMIN)
                .contentType("application/json")
                .body("{\"tenantId\":\"" + TENANT + "\",\"eventName\":\"tick\",\"expression\":\"" + expression + "\"}")
                .post("/api/v1/schedules").then().statusCode(201).extract().path("id");
    }

    static void awaitUntil(Instant t) {
        Awaitility.await().atMost(Duration.between(Instant.now(), t).plusSeconds(10)).pollInterval(Duration.ofMillis(200))
                .until(() -> !Instant.now().isBefore(t));
    }

    @Test
    void everyFireTimeRunsExactlyOnceThroughAReplicaCrash() throws Exception {
        Map<String, String> expressions = new HashMap<>();
        for (int i = 0; i < 500; i++) {
            String expression = i < 100 ? "* * * * * *" : "* * * * *";
            expressions.put(create(expression), expression);
        }
        Instant from = Instant.now().truncatedTo(ChronoUnit.SECONDS).plusSeconds(2);
        Instant to = from.plusSeconds(60);
        awaitUntil(from.plusSeconds(25));
        // The three replicas share the work (SKIP LOCKED claims), so the one killed holds claims of its own.
        for (String replica : List.of("cron-service", "cron-service-2", "cron-service-3")) {
            assertThat(fires(replica)).as("fires by " + replica).isPositive();
        }
        STACK.kill("cron-service-2");
        awaitUntil(to.plusSeconds(2));
        for (String id : expressions.keySet()) {
            given().baseUri(STACK.url("cron-service")).header("Authorization", ADMIN)
                    .post("/api/v1/schedules/" + id + "/pause").then().statusCode(200);
        }

        // The fire times each schedule owes in [from, to].
        Map<String, TreeSet<Instant>> expected = new HashMap<>();
        for (Map.Entry<String, String> e : expressions.entrySet()) {
            TreeSet<Instant> times = new TreeSet<>();
            Instant t = e.getValue().equals("* * * * * *") ? from : from.truncatedTo(ChronoUnit.MINUTES);
            Duration step = e.getValue().equals("* * * * * *") ? Duration.ofSeconds(1) : Duration.ofMinutes(1);
            for (; !t.isAfter(to); t = t.plus(step)) {
                if (!t.isBefore(from)) {
                    times.add(t);
                }
            }
            expected.put(e.getKey(), times);
        }
        int owed = expected.values().stream().mapToInt(TreeSet::size).sum();

        Map<String, List<Map<String, Object>>> runs = new HashMap<>();
        Awaitility.await("every owed fire time succeeded").atMost(5, TimeUnit.MINUTES).pollInterval(Duration.ofSeconds(3))
                .until(() -> {
                    runs.clear();
                    int succeeded = 0;
                    for (String id : expected.keySet()) {
                        List<Map<String, Object>> mine = ledger(id, from, to);
                        runs.put(id, mine);
                        succeeded += (int) mine.stream().filter(r -> "succeeded".equals(r.get("status"))).count();
                    }
                    return succeeded >= owed;
                });

        Map<String, Object> stats = given().baseUri(STACK.url("runtime-simulator")).get("/v1/stats")
                .then().statusCode(200).extract().path("byIdempotencyKey");
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, TreeSet<Instant>> e : expected.entrySet()) {
            List<Instant> succeededTimes = new ArrayList<>();
            for (Map<String, Object> run : runs.get(e.getKey())) {
                String status = (String) run.get("status");
                Instant eventTime = java.time.OffsetDateTime.parse((String) run.get("eventTime")).toInstant();
                if ("succeeded".equals(status)) {
                    succeededTimes.add(eventTime);
                    Number calls = (Number) stats.get((String) run.get("runId"));
                    if (calls == null || calls.longValue() != 1) {
                        problems.add(e.getKey() + " " + eventTime + ": runtime called " + calls + " times");
                    }
                    if (java.time.OffsetDateTime.parse((String) run.get("queuedAt")).toInstant().isBefore(eventTime)) {
                        problems.add(e.getKey() + " " + eventTime + ": queued early at " + run.get("queuedAt"));
                    }
                } else if (!"duplicate".equals(status)) {
                    problems.add(e.getKey() + " " + eventTime + ": a run ended " + status);
                }
            }
            if (!new TreeSet<>(succeededTimes).equals(e.getValue()) || succeededTimes.size() != e.getValue().size()) {
                problems.add(e.getKey() + ": ran " + succeededTimes.size() + " times for " + e.getValue().size()
                        + " fire times");
            }
        }
        long duplicates = runs.values().stream().flatMap(List::stream).filter(r -> "duplicate".equals(r.get("status")))
                .count();
        System.out.printf("cron failover: %d fire times owed, all run once; %d re-emitted fires dropped as duplicates%n",
                owed, duplicates);
        assertThat(problems).as("fire times not run exactly once (of " + owed + ")").isEmpty();
    }

    static double fires(String replica) {
        String metrics = given().baseUri(STACK.url(replica)).get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("cron_fires_total{kind=\"schedule\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    static List<Map<String, Object>> ledger(String scheduleId, Instant from, Instant to) {
        return STACK.ledger("source", "/cron/" + scheduleId, "from", from.toString(), "to",
                to.plusSeconds(1).toString());
    }
}
