package io.agenttriggers.queue.source;

import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.queue.config.Extraction;
import io.agenttriggers.queue.config.SourceSpec;
import io.agenttriggers.queue.domain.Disposition;
import io.agenttriggers.queue.domain.RawMessage;
import io.agenttriggers.queue.messaging.InboundPublisher;
import io.cloudevents.CloudEvent;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The broker-independent part of every source: publish retries, order of sends, dispositions (Kafka stubbed). */
class SourceRunnerTest {

    /** Refuses the first {@code failures} sends, records the order of the rest. */
    static final class FlakyPublisher extends InboundPublisher {
        final AtomicInteger failures;
        final List<String> sent = new CopyOnWriteArrayList<>();

        FlakyPublisher(int failures) {
            this.failures = new AtomicInteger(failures);
        }

        @Override
        public ProducerRecord<String, CloudEvent> record(TriggerEvent event) {
            return new ProducerRecord<>("inbound", event.dedupKey(), null);
        }

        @Override
        public CompletableFuture<Void> publish(ProducerRecord<String, CloudEvent> record) {
            if (failures.getAndDecrement() > 0) {
                return CompletableFuture.failedFuture(new org.apache.kafka.common.errors.TimeoutException("down"));
            }
            sent.add(record.key());
            return CompletableFuture.completedFuture(null);
        }
    }

    static final class TestRunner extends SourceRunner {
        TestRunner(SourceSpec spec, InboundPublisher publisher, ScheduledExecutorService scheduler) {
            super(spec, new SourceStats(new SimpleMeterRegistry(), spec.name(), "kafka", () -> false), publisher,
                    scheduler);
        }

        @Override
        public void start() {
        }

        @Override
        public void stop(long deadline) {
            stopping = true;
        }

        @Override
        public String address() {
            return "test";
        }
    }

    final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void close() {
        scheduler.shutdownNow();
    }

    static SourceSpec spec() {
        return new SourceSpec("s", SourceSpec.Type.KAFKA, null, null, Extraction.ofJsonPath("$.type", null),
                Extraction.ofValue("acme"), Extraction.ofJsonPath("$.id", null), null, null, null, null, null, null,
                new SourceSpec.Retry(Duration.ofMillis(5), Duration.ofMillis(40)), null,
                new SourceSpec.Kafka("t", null, null, null, null, null, null), null, null, null, null, null);
    }

    static RawMessage message(String body) {
        return new RawMessage(body.getBytes(StandardCharsets.UTF_8), Map.of(), "t/0/1", Instant.now(), Map.of());
    }

    @Test
    void publishingIsRetriedWithBackoffUntilKafkaTakesTheEvent() throws Exception {
        FlakyPublisher publisher = new FlakyPublisher(4);
        TestRunner runner = new TestRunner(spec(), publisher, scheduler);
        Disposition d = runner.handle(message("{\"id\":\"a\",\"type\":\"x\"}"), new SourceRunner.Lane())
                .get(10, TimeUnit.SECONDS);
        assertThat(d).isEqualTo(Disposition.PUBLISHED);
        assertThat(runner.stats().retryCount()).isEqualTo(4);
        assertThat(runner.stats().publishedCount()).isEqualTo(1);
        assertThat(runner.stats().inFlightCount()).isZero();
        assertThat(publisher.sent).containsExactly("a");
    }

    @Test
    void shutdownAbandonsWhatIsNotDurableSoItIsNotAcknowledged() throws Exception {
        FlakyPublisher publisher = new FlakyPublisher(Integer.MAX_VALUE);
        TestRunner runner = new TestRunner(spec(), publisher, scheduler);
        CompletableFuture<Disposition> f = runner.handle(message("{\"id\":\"a\",\"type\":\"x\"}"),
                new SourceRunner.Lane());
        runner.stop(0);
        Disposition d = f.get(10, TimeUnit.SECONDS);
        assertThat(d.kind()).isEqualTo(Disposition.Kind.ABANDONED);
        assertThat(d.settles()).isFalse();
    }

    @Test
    void sendsKeepTheOrderOfArrivalWhileEnvelopesAreBuiltInParallel() throws Exception {
        FlakyPublisher publisher = new FlakyPublisher(0);
        TestRunner runner = new TestRunner(spec(), publisher, scheduler);
        SourceRunner.Lane lane = new SourceRunner.Lane();
        List<CompletableFuture<Disposition>> all = new java.util.ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            // Uneven sizes so some envelopes take longer to build than their successors.
            String padding = "x".repeat(i % 7 == 0 ? 20_000 : 1);
            all.add(runner.handle(message("{\"id\":\"" + i + "\",\"type\":\"t\",\"p\":\"" + padding + "\"}"), lane));
        }
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        assertThat(publisher.sent).hasSize(2_000);
        for (int i = 0; i < 2_000; i++) {
            assertThat(publisher.sent.get(i)).isEqualTo(String.valueOf(i));
        }
    }

    @Test
    void aMessageThatIsNotAnEventGetsTheSourcesPolicyAndARecord() throws Exception {
        TestRunner runner = new TestRunner(spec(), new FlakyPublisher(0), scheduler);
        Disposition d = runner.handle(message("{\"id\":\"a\"}"), new SourceRunner.Lane()).get(10, TimeUnit.SECONDS);
        assertThat(d.kind()).isEqualTo(Disposition.Kind.DEAD_LETTER);
        assertThat(d.reason()).isEqualTo("eventName: $.type is absent from the message");
        assertThat(runner.stats().parseFailureCount()).isEqualTo(1);
        assertThat(runner.stats().recentFailures()).singleElement()
                .satisfies(f -> assertThat(f.action()).isEqualTo("dead-letter"));
    }
}
