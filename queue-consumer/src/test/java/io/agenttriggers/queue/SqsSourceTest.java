package io.agenttriggers.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agenttriggers.common.event.TriggerEvent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** The sqs-team source against ElasticMQ, an SQS-compatible server running in the test JVM, fed by the AWS SDK. */
@QuarkusTest
@QuarkusTestResource(InJvmServers.class)
class SqsSourceTest {

    @BeforeAll
    static void start() {
        InboundEvents.start();
    }

    @Test
    void messageBecomesAnEventAndIsDeletedOnlyAfterwards() {
        String id = UUID.randomUUID().toString();
        String messageId;
        try (SqsClient sqs = InJvmServers.sqsClient()) {
            messageId = sqs.sendMessage(r -> r.queueUrl(InJvmServers.sqsQueueUrl)
                    .messageBody("{\"type\":\"invoice.paid\",\"invoice\":\"" + id + "\"}")
                    .messageAttributes(Map.of("tenant", MessageAttributeValue.builder().dataType("String")
                            .stringValue("acme").build()))).messageId();
        }
        TriggerEvent e = await().atMost(Duration.ofSeconds(30)).until(() -> InboundEvents.first(ev ->
                ev.data().payload().path("invoice").asText().equals(id)), o -> o.isPresent()).get();
        assertThat(e.source()).isEqualTo("/queue/sqs-team");
        assertThat(e.eventName()).isEqualTo("invoice.paid");
        assertThat(e.tenantId()).isEqualTo("acme");
        assertThat(e.dedupKey()).isEqualTo("queue:sqs-team:" + messageId);
        assertThat(e.data().headers()).containsEntry("tenant", "acme").containsEntry("queue.messageId", messageId)
                .containsEntry("queue.receiveCount", "1");
        // Deleted once the event is durable: as generous a bound as the event's own (a full suite loads the machine).
        await().atMost(Duration.ofSeconds(30)).until(() -> queueDepth(InJvmServers.sqsQueueUrl) == 0);
    }

    @Test
    void malformedMessageGoesToTheDeadLetterQueue() {
        String bad = "[1, 2";
        String sentId;
        try (SqsClient sqs = InJvmServers.sqsClient()) {
            sentId = sqs.sendMessage(r -> r.queueUrl(InJvmServers.sqsQueueUrl).messageBody(bad)).messageId();
        }
        Message letter = await().atMost(Duration.ofSeconds(30)).until(() -> {
            try (SqsClient sqs = InJvmServers.sqsClient()) {
                List<Message> got = sqs.receiveMessage(r -> r.queueUrl(InJvmServers.sqsDeadLetterUrl)
                        .messageAttributeNames("All").waitTimeSeconds(1)).messages();
                return got.stream().filter(m -> sentId.equals(m.messageAttributes().get("dead-letter-message-id")
                        .stringValue())).findFirst().orElse(null);
            }
        }, m -> m != null);
        assertThat(letter.body()).isEqualTo(bad);
        assertThat(letter.messageAttributes().get("dead-letter-reason").stringValue()).startsWith("not valid JSON");
    }

    static int queueDepth(String url) {
        try (SqsClient sqs = InJvmServers.sqsClient()) {
            Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES,
                    QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE)).attributes();
            return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
        }
    }
}
