package io.agenttriggers.governance;

import static io.agenttriggers.governance.GovernanceTesting.createPolicy;
import static io.agenttriggers.governance.GovernanceTesting.decision;
import static io.agenttriggers.governance.GovernanceTesting.event;
import static io.agenttriggers.governance.GovernanceTesting.outcome;
import static io.agenttriggers.governance.GovernanceTesting.send;
import static io.agenttriggers.governance.GovernanceTesting.tenant;
import static io.agenttriggers.governance.GovernanceTesting.topic;
import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.messaging.DeadLetters;
import io.agenttriggers.common.run.RunOutcomeCodec;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.testing.GarbageRecords;
import io.agenttriggers.common.testing.GarbageRecords.Garbage;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.awaitility.Awaitility;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** Records no one can decide are set aside with their reason; the events behind them in the partition go on. */
@QuarkusTest
class BadRecordsTest {

    static String deadLetterTopic() {
        return ConfigProvider.getConfig().getValue("triggers.dead-letters.topic", String.class);
    }

    static List<ConsumerRecord<String, byte[]>> deadLetters(String marker, int count) {
        return KafkaTestClient.awaitRaw(deadLetterTopic(),
                r -> marker.equals(KafkaTestClient.header(r, "x-test-marker")), count, Duration.ofSeconds(30));
    }

    static void assertSetAsideAsSent(List<ConsumerRecord<String, byte[]>> dead, List<Garbage> garbage, String topic,
            String reason) {
        assertThat(dead).allSatisfy(r -> {
            // A CloudEvent the consumer refuses carries its stable reason; a record that is not one at all is set
            // aside by SmallRye's dead-letter strategy with the deserializer's reason.
            if (GarbageRecords.of(garbage, r).cloudEvent()) {
                assertThat(KafkaTestClient.header(r, DeadLetters.REASON)).isEqualTo(reason);
            } else {
                assertThat(KafkaTestClient.header(r, DeadLetters.REASON)).isNotBlank();
            }
            assertThat(KafkaTestClient.header(r, DeadLetters.TOPIC)).isEqualTo(topic);
            assertThat(KafkaTestClient.header(r, DeadLetters.OFFSET)).isNotBlank();
        });
        // The value is kept byte for byte, so the record can be inspected or replayed as it came.
        assertThat(dead.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)))
                .containsExactlyInAnyOrderElementsOf(garbage.stream()
                        .map(g -> new String(g.value(), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void garbageOnTheInboundTopicIsDeadLetteredAndTheEventBehindItIsDecided() {
        String marker = UUID.randomUUID().toString();
        String t = tenant("garbage");
        TriggerEvent valid = event(t, "after.garbage");
        List<Garbage> garbage = GarbageRecords.all(marker, TriggerType.API.ceType());
        String inbound = topic("incoming", "triggers.inbound");
        // On the valid event's key, so they sit ahead of it in its partition.
        garbage.forEach(g -> KafkaTestClient.produceRaw(inbound, valid.partitionKey(), g.headers(), g.value()));
        send(valid);

        // Its tenant has no policy: the default action approves it.
        assertThat(decision(valid).getString("verdict")).isEqualTo("approved");
        assertSetAsideAsSent(deadLetters(marker, garbage.size()), garbage, inbound, "invalid_event");
    }

    @Test
    void garbageOnTheOutcomesTopicIsDeadLetteredAndTheOutcomeBehindItIsApplied() {
        String t = tenant("garbage-outcome");
        createPolicy("{\"name\":\"one-at-a-time\",\"tenantId\":\"" + t + "\",\"concurrency\":{\"max\":1}}");
        TriggerEvent first = send(event(t, "job.run"));
        assertThat(decision(first).getString("verdict")).isEqualTo("approved");
        assertThat(decision(send(event(t, "job.run"))).getString("reason")).isEqualTo("concurrency_limited");

        String marker = UUID.randomUUID().toString();
        List<Garbage> garbage = GarbageRecords.all(marker, RunOutcomeCodec.TYPE);
        String outcomes = topic("incoming", "outcomes-feedback");
        garbage.forEach(g -> KafkaTestClient.produceRaw(outcomes, first.partitionKey(), g.headers(), g.value()));
        outcome(first, RunStatus.SUCCEEDED, null);

        // The outcome behind the garbage frees the slot.
        Awaitility.await().atMost(30, TimeUnit.SECONDS).until(() -> "approved".equals(
                decision(send(event(t, "job.run"))).getString("verdict")));
        assertSetAsideAsSent(deadLetters(marker, garbage.size()), garbage, outcomes, "invalid_outcome");
    }
}
