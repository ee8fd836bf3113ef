package io.agenttriggers.queue.source;

import io.agenttriggers.queue.config.SourceSpec;
import io.agenttriggers.queue.domain.Backoff;
import io.agenttriggers.queue.domain.Disposition;
import io.agenttriggers.queue.domain.RawMessage;
import io.agenttriggers.queue.messaging.InboundPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * A Kafka topic (or pattern) read by a consumer group, with {@code concurrency} consumers in this replica. Each poll
 * is handled as a batch: every record's event is published, the batch is awaited, and per partition the offset is
 * committed up to the first record that is not settled; the consumer seeks back there, so a record is committed
 * only after its event is durable (or its dead letter written).
 */
public final class KafkaSourceRunner extends SourceRunner {

    private static final long LAG_EVERY_MS = 5_000;

    private final String bootstrapServers;
    private final KafkaDeadLetters deadLetters;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLongArray lag;
    private volatile long stopDeadline = Long.MAX_VALUE;

    public KafkaSourceRunner(SourceSpec spec, SourceStats stats, InboundPublisher publisher,
            ScheduledExecutorService scheduler, String defaultBootstrapServers, KafkaDeadLetters deadLetters) {
        super(spec, stats, publisher, scheduler);
        this.bootstrapServers = spec.kafka().bootstrapServers() != null ? spec.kafka().bootstrapServers()
                : defaultBootstrapServers;
        this.deadLetters = deadLetters;
        this.lag = new AtomicLongArray(spec.concurrencyOrDefault());
    }

    @Override
    public String address() {
        SourceSpec.Kafka k = spec.kafka();
        return "kafka://" + bootstrapServers + "/" + (k.topic() != null ? k.topic() : "~" + k.topicPattern())
                + " (group " + groupId() + ")";
    }

    String groupId() {
        return spec.kafka().groupId() != null ? spec.kafka().groupId() : "agent-triggers-queue-" + spec.name();
    }

    @Override
    public synchronized void start() {
        for (int i = 0; i < spec.concurrencyOrDefault(); i++) {
            int index = i;
            lag.set(i, -1);
            Thread t = new Thread(() -> run(index), "queue-" + spec.name() + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private Properties consumerProperties(int index) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "queue-" + spec.name() + "-" + index);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                spec.kafka().startOffset() == SourceSpec.StartOffset.EARLIEST ? "earliest" : "latest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(
                spec.kafka().maxPollRecords() == null ? 500 : spec.kafka().maxPollRecords()));
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        if (spec.kafka().properties() != null) {
            spec.kafka().properties().forEach((k, v) -> p.put(k, v.reveal()));
        }
        return p;
    }

    private void run(int index) {
        int failures = 0;
        while (!stopping) {
            try {
                consume(index);
                return;
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException | Error e) {
                if (stopping) {
                    return;
                }
                state = State.RECONNECTING;
                noteError("consumer failed: " + e.getClass().getSimpleName());
                log.errorf("Source %s: Kafka consumer %d failed (%s); restarting", spec.name(), index,
                        e.getClass().getSimpleName());
                sleep(Backoff.delay(spec.initialBackoff(), spec.maxBackoff(), failures++).toMillis());
            }
        }
    }

    private void consume(int index) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties(index));
        try {
            boolean[] consumerPaused = {false};
            ConsumerRebalanceListener listener = new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    if (consumerPaused[0]) {
                        consumer.pause(partitions);
                    }
                }
            };
            if (spec.kafka().topic() != null) {
                consumer.subscribe(List.of(spec.kafka().topic()), listener);
            } else {
                consumer.subscribe(Pattern.compile(spec.kafka().topicPattern()), listener);
            }
            long lagAt = 0;
            while (!stopping) {
                if (paused != consumerPaused[0]) {
                    if (paused) {
                        consumer.pause(consumer.assignment());
                    } else {
                        consumer.resume(consumer.paused());
                    }
                    consumerPaused[0] = paused;
                }
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
                state = State.RUNNING;
                if (System.currentTimeMillis() - lagAt > LAG_EVERY_MS) {
                    lagAt = System.currentTimeMillis();
                    lag.set(index, lag(consumer));
                    publishBacklog();
                }
                if (!records.isEmpty()) {
                    handleBatch(consumer, records);
                }
            }
        } finally {
            lag.set(index, -1);
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void handleBatch(KafkaConsumer<byte[], byte[]> consumer, ConsumerRecords<byte[], byte[]> records) {
        Instant received = Instant.now();
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> byPartition = new LinkedHashMap<>();
        Map<ConsumerRecord<byte[], byte[]>, CompletableFuture<Boolean>> settled = new HashMap<>();
        Lane lane = new Lane();
        // A pause answered by the API while this batch was being fetched holds the rest of it: those records are
        // rewound, not handled, so nothing is consumed once the pause has been acknowledged. A partition stays held
        // for the rest of the batch, so its records are never handled out of order.
        Set<TopicPartition> held = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            byPartition.computeIfAbsent(tp, k -> new ArrayList<>()).add(record);
            if (paused || held.contains(tp)) {
                held.add(tp);
                settled.put(record, CompletableFuture.completedFuture(false));
            } else {
                settled.put(record, handle(raw(record, received), lane).thenCompose(d -> settle(record, d)));
            }
        }
        awaitBatch(settled.values(), stopDeadline);
        Map<TopicPartition, OffsetAndMetadata> commit = new HashMap<>();
        boolean requeued = false;
        for (var entry : byPartition.entrySet()) {
            long next = -1;
            Long rewind = null;
            for (ConsumerRecord<byte[], byte[]> record : entry.getValue()) {
                CompletableFuture<Boolean> f = settled.get(record);
                if (f.isDone() && !f.isCompletedExceptionally() && f.join()) {
                    next = record.offset() + 1;
                } else {
                    rewind = record.offset();
                    requeued = !held.contains(entry.getKey());
                    break;
                }
            }
            if (next >= 0) {
                commit.put(entry.getKey(), new OffsetAndMetadata(next));
            }
            if (rewind != null && !stopping) {
                consumer.seek(entry.getKey(), rewind);
            }
        }
        if (!commit.isEmpty()) {
            try {
                consumer.commitSync(commit, Duration.ofSeconds(10));
                clearError();
            } catch (CommitFailedException | org.apache.kafka.common.errors.RebalanceInProgressException e) {
                // The partitions moved to another consumer, which reads from the last commit: the events it
                // publishes again carry the same dedup keys, so the dispatcher runs each once.
                log.warnf("Source %s: offsets not committed (%s)", spec.name(), e.getClass().getSimpleName());
            }
        }
        if (requeued && !stopping) {
            sleep(spec.initialBackoff().toMillis());
        }
    }

    private CompletableFuture<Boolean> settle(ConsumerRecord<byte[], byte[]> record, Disposition d) {
        return switch (d.kind()) {
            case PUBLISHED, ACK -> CompletableFuture.completedFuture(true);
            case REQUEUE, ABANDONED -> CompletableFuture.completedFuture(false);
            case DEAD_LETTER -> deadLetters.send(bootstrapServers, spec, record, d.reason()).handle((ok, e) -> {
                if (e != null) {
                    noteError("dead letter not written: " + e.getClass().getSimpleName());
                    log.errorf("Source %s: dead letter of %s not written (%s); the record stays uncommitted",
                            spec.name(), messageId(record), e.getClass().getSimpleName());
                    return false;
                }
                deadLettered();
                return true;
            });
        };
    }

    static String messageId(ConsumerRecord<?, ?> record) {
        return record.topic() + "/" + record.partition() + "/" + record.offset();
    }

    private RawMessage raw(ConsumerRecord<byte[], byte[]> record, Instant received) {
        Map<String, String> headers = new HashMap<>();
        for (Header h : record.headers()) {
            if (h.value() != null) {
                headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
            }
        }
        Map<String, String> transport = new LinkedHashMap<>();
        transport.put("topic", record.topic());
        transport.put("partition", String.valueOf(record.partition()));
        transport.put("offset", String.valueOf(record.offset()));
        if (record.timestamp() >= 0) {
            transport.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        }
        if (record.key() != null) {
            transport.put("key", new String(record.key(), StandardCharsets.UTF_8));
        }
        return new RawMessage(record.value(), headers, messageId(record), received, transport);
    }

    private long lag(KafkaConsumer<byte[], byte[]> consumer) {
        try {
            var assignment = consumer.assignment();
            if (assignment.isEmpty()) {
                return 0;
            }
            Map<TopicPartition, Long> ends = consumer.endOffsets(assignment, Duration.ofSeconds(2));
            long total = 0;
            for (TopicPartition tp : assignment) {
                total += Math.max(0, ends.getOrDefault(tp, 0L) - consumer.position(tp, Duration.ofSeconds(2)));
            }
            return total;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    private void publishBacklog() {
        long total = 0;
        for (int i = 0; i < lag.length(); i++) {
            long l = lag.get(i);
            if (l < 0) {
                continue;
            }
            total += l;
        }
        stats.backlog.set(total);
    }

    @Override
    public void stop(long deadline) {
        stopDeadline = deadline;
        stopping = true;
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, deadline - System.currentTimeMillis() + 6_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        state = State.STOPPED;
    }

}
