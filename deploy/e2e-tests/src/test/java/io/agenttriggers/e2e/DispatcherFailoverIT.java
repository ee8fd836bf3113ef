package io.agenttriggers.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.event.Topics;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.testing.KafkaTestClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.TopicExistsException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two agent-dispatcher replicas take 1,000 approved events, 30 % of them repeating an earlier dedup key; one replica
 * is killed with SIGKILL while runs are in flight. Every dedup key must end with exactly one succeeded run, every
 * other event as a duplicate, and the runtime must have started exactly one agent run per succeeded run.
 */
class DispatcherFailoverIT {

    static final StackProcesses STACK = new StackProcesses("runtime-simulator", "agent-dispatcher");
    static final String ADMIN = "Bearer " + StackProcesses.ADMIN_TOKEN;
    static final String TENANT = "e2e-dispatch-" + StackProcesses.SUFFIX;
    static final int EVENTS = 1000;
    static final int KEYS = 700;
    /** Each replica runs three consumers (the channel's concurrency): six partitions give every consumer one. */
    static final int PARTITIONS = 6;

    @BeforeAll
    static void start() throws Exception {
        // Six partitions before the dispatchers subscribe: the topic does not exist yet when this test runs first (a
        // subscription would auto-create it with the broker's 3), and earlier tests of the run made it with 3.
        String topic = StackProcesses.TOPICS.get(Topics.APPROVED);
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KafkaTestClient.BOOTSTRAP))) {
            try {
                admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                int now = admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic)
                        .partitions().size();
                if (now < PARTITIONS) {
                    admin.createPartitions(Map.of(topic, NewPartitions.increaseTo(PARTITIONS))).all()
                            .get(30, TimeUnit.SECONDS);
                }
            }
        }
        STACK.start();
        STACK.startReplica("agent-dispatcher-2", "agent-dispatcher");
    }

    @AfterAll
    static void stop() {
        STACK.stop();
    }

    static double runs(String replica) {
        String metrics = given().baseUri(STACK.url(replica)).get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(l -> l.startsWith("dispatcher_runs_total{"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /** Consumers of the dispatchers' group that hold a partition of the approved topic, once the group is stable. */
    static long membersWithPartitions() throws Exception {
        String group = "e2e-dispatcher-" + StackProcesses.SUFFIX;
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KafkaTestClient.BOOTSTRAP))) {
            ConsumerGroupDescription description = admin.describeConsumerGroups(List.of(group)).all()
                    .get(10, TimeUnit.SECONDS).get(group);
            if (description.groupState() != GroupState.STABLE) {
                return 0;
            }
            // Members of replicas stopped by earlier tests hold partitions until their session ends: wait them out.
            if (description.members().size() != PARTITIONS) {
                return 0;
            }
            return description.members().stream()
                    .filter(m -> !m.assignment().topicPartitions().isEmpty()).count();
        }
    }

    @Test
    void everyDedupKeyRunsExactlyOnceThroughADispatcherCrash() throws Exception {
        // Every consumer of both replicas must hold a partition before the events go out, or the first replica can
        // drain them all while the second is still joining the group.
        Awaitility.await("both replicas hold partitions").atMost(2, TimeUnit.MINUTES)
                .pollInterval(Duration.ofMillis(500)).until(() -> membersWithPartitions() == PARTITIONS);
        // Slow enough that runs are in flight when the replica dies.
        given().baseUri(STACK.url("runtime-simulator")).contentType("application/json")
                .body("{\"latencyMs\":100}").put("/v1/config").then().statusCode(200);
        String approved = StackProcesses.TOPICS.get(Topics.APPROVED);
        for (int i = 0; i < EVENTS; i++) {
            int key = i < KEYS ? i : (i * 7) % KEYS;
            // Events are keyed by tenant and name: 64 names reach every partition, whatever the tenant is called.
            TriggerEvent event = TriggerEvent.builder(TriggerType.API, "/e2e/dispatch", "order.e" + (key % 64), TENANT)
                    .dedupKey("order-" + key)
                    .data(TriggerData.of(io.agenttriggers.common.event.EventJson.MAPPER.createObjectNode()
                            .put("key", key)))
                    .build();
            KafkaTestClient.produce(approved, event.partitionKey(), TriggerEventCodec.toCloudEvent(event));
        }
        Awaitility.await("the replica took a share").atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> runs("agent-dispatcher-2") >= 30);
        STACK.kill("agent-dispatcher-2");

        List<Map<String, Object>> ledger = new ArrayList<>();
        Awaitility.await("every event has a terminal run").atMost(4, TimeUnit.MINUTES).pollInterval(Duration.ofSeconds(2))
                .until(() -> {
                    ledger.clear();
                    ledger.addAll(STACK.ledger("tenantId", TENANT));
                    return ledger.size() >= EVENTS
                            && ledger.stream().allMatch(r -> StackProcesses.terminal((String) r.get("status")));
                });

        Map<String, Object> started = given().baseUri(STACK.url("runtime-simulator")).get("/v1/stats")
                .then().statusCode(200).extract().path("startedByIdempotencyKey");
        Map<String, List<String>> succeededByKey = new HashMap<>();
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> run : ledger) {
            String status = (String) run.get("status");
            String runId = (String) run.get("runId");
            Number startedForRun = (Number) started.get(runId);
            if ("succeeded".equals(status)) {
                succeededByKey.computeIfAbsent((String) run.get("dedupKey"), k -> new ArrayList<>()).add(runId);
                if (startedForRun == null || startedForRun.longValue() != 1) {
                    problems.add(runId + ": the runtime started " + startedForRun + " agent runs");
                }
            } else if ("duplicate".equals(status)) {
                if (startedForRun != null) {
                    problems.add(runId + " (duplicate) reached the runtime");
                }
            } else {
                problems.add(runId + " ended " + status);
            }
        }
        assertThat(ledger).hasSize(EVENTS);
        assertThat(succeededByKey).hasSize(KEYS);
        succeededByKey.forEach((key, ids) -> {
            if (ids.size() != 1) {
                problems.add(key + " succeeded " + ids.size() + " times");
            }
        });
        System.out.printf("dispatcher failover: %d events, %d keys each run once, %d duplicates%n", ledger.size(),
                succeededByKey.size(), ledger.size() - succeededByKey.size());
        assertThat(problems).isEmpty();
    }
}
