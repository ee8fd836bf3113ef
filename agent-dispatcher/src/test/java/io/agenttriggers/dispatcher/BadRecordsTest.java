package io.agenttriggers.dispatcher;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static io.agenttriggers.dispatcher.DispatchTest.approve;
import static io.agenttriggers.dispatcher.DispatchTest.awaitOutcome;
import static io.agenttriggers.dispatcher.DispatchTest.event;
import static io.agenttriggers.dispatcher.DispatchTest.topic;
import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.messaging.DeadLetters;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.testing.GarbageRecords;
import io.agenttriggers.common.testing.GarbageRecords.Garbage;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

/** A record no one can run is set aside with its reason; the run behind it in the partition goes on. */
@QuarkusTest
@QuarkusTestResource(RuntimeStub.class)
class BadRecordsTest {

    static List<ConsumerRecord<String, byte[]>> deadLetters(String marker, int count) {
        String topic = ConfigProvider.getConfig().getValue("triggers.dead-letters.topic", String.class);
        return KafkaTestClient.awaitRaw(topic, r -> marker.equals(KafkaTestClient.header(r, "x-test-marker")), count,
                Duration.ofSeconds(30));
    }

    @Test
    void garbageOnTheApprovedTopicIsDeadLetteredAndTheRunBehindItSucceeds() {
        String marker = UUID.randomUUID().toString();
        TriggerEvent valid = event("acme-" + marker.substring(0, 8), null, null);
        RuntimeStub.server.stubFor(post(urlEqualTo("/v1/runs")).withHeader("Idempotency-Key", equalTo(valid.id()))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                        .withBody("{\"agentRunId\":\"ag-g\",\"status\":\"succeeded\",\"result\":{}}")));
        List<Garbage> garbage = GarbageRecords.all(marker, TriggerType.API.ceType());
        String approved = topic("incoming", "triggers.approved");
        garbage.forEach(g -> KafkaTestClient.produceRaw(approved, valid.partitionKey(), g.headers(), g.value()));
        approve(valid);

        assertThat(awaitOutcome(valid.id()).status()).isEqualTo(RunStatus.SUCCEEDED);
        List<ConsumerRecord<String, byte[]>> dead = deadLetters(marker, garbage.size());
        assertThat(dead).allSatisfy(r -> {
            // A CloudEvent the consumer refuses carries its stable reason; a record that is not one at all is set
            // aside by SmallRye's dead-letter strategy with the deserializer's reason.
            if (GarbageRecords.of(garbage, r).cloudEvent()) {
                assertThat(KafkaTestClient.header(r, DeadLetters.REASON)).isEqualTo("invalid_event");
            } else {
                assertThat(KafkaTestClient.header(r, DeadLetters.REASON)).isNotBlank();
            }
            assertThat(KafkaTestClient.header(r, DeadLetters.TOPIC)).isEqualTo(approved);
        });
        assertThat(dead.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)))
                .containsExactlyInAnyOrderElementsOf(garbage.stream()
                        .map(g -> new String(g.value(), StandardCharsets.UTF_8)).toList());
    }

    @Test
    void garbageOnTheRejectedTopicIsDeadLettered() {
        String marker = UUID.randomUUID().toString();
        List<Garbage> garbage = GarbageRecords.all(marker, TriggerType.API.ceType());
        String rejected = topic("incoming", "triggers.rejected");
        garbage.forEach(g -> KafkaTestClient.produceRaw(rejected, "k", g.headers(), g.value()));
        assertThat(deadLetters(marker, garbage.size())).allSatisfy(r -> {
            assertThat(KafkaTestClient.header(r, DeadLetters.TOPIC)).isEqualTo(rejected);
            if (GarbageRecords.of(garbage, r).cloudEvent()) {
                assertThat(KafkaTestClient.header(r, DeadLetters.REASON)).isEqualTo("invalid_event");
            }
        });
    }
}
