package io.agenttriggers.queue;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.agenttriggers.queue.source.SourceManager;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Credentials of every kind (SQS secret key, IMAP passwords, an AMQP password, a Kafka credential property) never
 * show in the log, the sources API, health, metrics or a source's {@code toString()} — also while the wrong
 * password is failing over and over. The log is read in its JSON form.
 */
@QuarkusTest
@QuarkusTestResource(InJvmServers.class)
class RedactionTest {

    static final List<String> SECRETS = List.of(InJvmServers.SQS_SECRET, InJvmServers.IMAP_PASSWORD,
            InJvmServers.WRONG_IMAP_PASSWORD, InJvmServers.AMQP_PASSWORD, InJvmServers.KAFKA_SECRET);

    @Inject
    SourceManager manager;

    @Test
    void noSecretInLogsApiHealthMetricsOrToString() throws Exception {
        // Let the failing sources fail a few times first.
        await().atMost(Duration.ofSeconds(30)).until(() -> given().header("Authorization", "Bearer test-admin-token")
                .get("/api/v1/sources/amqp-wrong").path("lastError") != null);
        StringBuilder seen = new StringBuilder();
        for (String name : List.of("sqs-team", "imap-support", "imap-wrong", "amqp-wrong", "kafka-team")) {
            seen.append(given().header("Authorization", "Bearer test-admin-token").get("/api/v1/sources/" + name)
                    .asString());
        }
        seen.append(given().header("Authorization", "Bearer test-admin-token").get("/api/v1/sources").asString());
        seen.append(given().get("/q/health").asString());
        seen.append(given().get("/q/metrics").asString());
        manager.runners().forEach(r -> seen.append(r.spec()).append(r.address()).append(r.lastError()));
        Path log = Path.of("target/queue-consumer-test.log");
        assertThat(log).exists();
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        assertThat(lines).isNotEmpty();
        for (String line : lines) {
            // The JSON form: one object per line, and its fields (message, exception, MDC) redacted alike.
            assertThat(io.agenttriggers.common.event.EventJson.MAPPER.readTree(line).isObject()).as(line).isTrue();
            seen.append(line);
        }

        assertThat(seen.toString()).contains("AuthenticationFailedException").contains("secretAccessKey=****")
                .contains("password=****");
        for (String secret : SECRETS) {
            assertThat(seen.toString()).doesNotContain(secret);
        }
    }
}
