package io.agenttriggers.queue.source;

import io.agenttriggers.queue.config.SourceSpec;
import io.agenttriggers.queue.domain.Backoff;
import io.agenttriggers.queue.domain.Disposition;
import io.agenttriggers.queue.domain.RawMessage;
import io.agenttriggers.queue.messaging.InboundPublisher;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.SqsClientBuilder;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * An SQS queue, long-polled by {@code concurrency} threads. A received batch is handled together; a message is
 * deleted only after its event is durable on Kafka (or it was sent to the dead-letter queue). A message given back
 * becomes visible again after a backoff; one abandoned at shutdown after its visibility timeout.
 */
public final class SqsSourceRunner extends SourceRunner {

    private static final long BACKLOG_EVERY_MS = 10_000;

    private final List<Thread> threads = new ArrayList<>();
    private volatile SqsClient client;
    private volatile long stopDeadline = Long.MAX_VALUE;
    private volatile long backlogAt;

    public SqsSourceRunner(SourceSpec spec, SourceStats stats, InboundPublisher publisher,
            ScheduledExecutorService scheduler) {
        super(spec, stats, publisher, scheduler);
    }

    @Override
    public String address() {
        return spec.sqs().queueUrl();
    }

    @Override
    public synchronized void start() {
        for (int i = 0; i < spec.concurrencyOrDefault(); i++) {
            Thread t = new Thread(this::run, "queue-" + spec.name() + "-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    private synchronized SqsClient client() {
        if (client == null) {
            SourceSpec.Sqs q = spec.sqs();
            SqsClientBuilder builder = SqsClient.builder()
                    .httpClientBuilder(UrlConnectionHttpClient.builder()
                            .socketTimeout(waitTime().plusSeconds(10))
                            .connectionTimeout(Duration.ofSeconds(5)));
            if (q.region() != null) {
                builder.region(Region.of(q.region()));
            } else if (q.endpoint() != null) {
                builder.region(Region.US_EAST_1);
            }
            if (q.endpoint() != null) {
                builder.endpointOverride(URI.create(q.endpoint()));
            }
            builder.credentialsProvider(q.accessKeyId() != null
                    ? StaticCredentialsProvider.create(AwsBasicCredentials.create(q.accessKeyId(),
                            q.secretAccessKey().reveal()))
                    : DefaultCredentialsProvider.builder().build());
            client = builder.build();
        }
        return client;
    }

    private Duration waitTime() {
        return spec.sqs().waitTime() == null ? Duration.ofSeconds(20) : spec.sqs().waitTime();
    }

    private void run() {
        int failures = 0;
        while (!stopping) {
            if (paused) {
                sleep(200);
                continue;
            }
            try {
                SqsClient sqs = client();
                List<Message> messages = sqs.receiveMessage(r -> {
                    r.queueUrl(spec.sqs().queueUrl())
                            .maxNumberOfMessages(spec.sqs().maxMessages() == null ? 10 : spec.sqs().maxMessages())
                            .waitTimeSeconds((int) waitTime().toSeconds())
                            .messageAttributeNames("All")
                            .messageSystemAttributeNames(MessageSystemAttributeName.ALL);
                    if (spec.sqs().visibilityTimeout() != null) {
                        r.visibilityTimeout((int) spec.sqs().visibilityTimeout().toSeconds());
                    }
                }).messages();
                state = State.RUNNING;
                failures = 0;
                clearError();
                refreshBacklog(sqs);
                if (!messages.isEmpty()) {
                    handleBatch(sqs, messages);
                }
            } catch (RuntimeException | Error e) {
                if (stopping) {
                    return;
                }
                state = State.RECONNECTING;
                noteError("SQS: " + e.getClass().getSimpleName());
                long wait = Backoff.delay(spec.initialBackoff(), spec.maxBackoff(), failures++).toMillis();
                log.warnf("Source %s: SQS call failed (%s); again in %d ms", spec.name(), e.getClass().getSimpleName(),
                        wait);
                sleep(wait);
            }
        }
    }

    private void handleBatch(SqsClient sqs, List<Message> messages) {
        Instant received = Instant.now();
        Lane lane = new Lane();
        Map<Message, CompletableFuture<Disposition>> handled = new LinkedHashMap<>();
        for (Message m : messages) {
            handled.put(m, handle(raw(m, received), lane));
        }
        awaitBatch(handled.values(), stopDeadline);
        List<DeleteMessageBatchRequestEntry> delete = new ArrayList<>();
        for (var entry : handled.entrySet()) {
            Message m = entry.getKey();
            CompletableFuture<Disposition> f = entry.getValue();
            if (!f.isDone()) {
                continue;
            }
            Disposition d = f.join();
            switch (d.kind()) {
                case PUBLISHED, ACK -> delete.add(entry(m, delete.size()));
                case DEAD_LETTER -> {
                    try {
                        sqs.sendMessage(r -> {
                            r.queueUrl(spec.deadLetterOrDefault()).messageBody(m.body())
                                    .messageAttributes(deadLetterAttributes(m, d.reason()));
                            if (spec.deadLetterOrDefault().endsWith(".fifo")) {
                                r.messageGroupId(spec.name()).messageDeduplicationId(m.messageId());
                            }
                        });
                        deadLettered();
                        delete.add(entry(m, delete.size()));
                    } catch (RuntimeException e) {
                        noteError("dead letter not written: " + e.getClass().getSimpleName());
                        log.errorf("Source %s: dead letter of %s not written (%s); it stays in the queue",
                                spec.name(), m.messageId(), e.getClass().getSimpleName());
                    }
                }
                case REQUEUE -> changeVisibility(sqs, m, (int) Math.max(1, spec.initialBackoff().toSeconds()));
                case ABANDONED -> {
                }
            }
        }
        if (!delete.isEmpty()) {
            // Undeleted messages come back after the visibility timeout and are duplicates by message id.
            try {
                var result = sqs.deleteMessageBatch(r -> r.queueUrl(spec.sqs().queueUrl()).entries(delete));
                if (result.hasFailed() && !result.failed().isEmpty()) {
                    log.warnf("Source %s: %d message(s) not deleted", spec.name(), result.failed().size());
                }
            } catch (RuntimeException e) {
                log.warnf("Source %s: %d message(s) not deleted (%s)", spec.name(), delete.size(),
                        e.getClass().getSimpleName());
            }
        }
    }

    private static Map<String, MessageAttributeValue> deadLetterAttributes(Message m, String reason) {
        // SQS takes at most 10 attributes: keep 8 of the original ones, then say why and which message.
        Map<String, MessageAttributeValue> attrs = new HashMap<>();
        m.messageAttributes().entrySet().stream().sorted(Map.Entry.comparingByKey()).limit(8)
                .forEach(e -> attrs.put(e.getKey(), e.getValue()));
        attrs.put("dead-letter-reason", MessageAttributeValue.builder().dataType("String")
                .stringValue(reason == null || reason.isBlank() ? "-" : reason).build());
        attrs.put("dead-letter-message-id", MessageAttributeValue.builder().dataType("String")
                .stringValue(m.messageId()).build());
        return attrs;
    }

    private void changeVisibility(SqsClient sqs, Message m, int seconds) {
        try {
            sqs.changeMessageVisibility(r -> r.queueUrl(spec.sqs().queueUrl()).receiptHandle(m.receiptHandle())
                    .visibilityTimeout(seconds));
        } catch (RuntimeException e) {
            log.debugf("Source %s: visibility of %s not changed: %s", spec.name(), m.messageId(), e.toString());
        }
    }

    /** Entry ids need only be unique within the batch (at most 80 of [A-Za-z0-9_-]): the position is. */
    private static DeleteMessageBatchRequestEntry entry(Message m, int index) {
        return DeleteMessageBatchRequestEntry.builder().id("m" + index).receiptHandle(m.receiptHandle()).build();
    }

    private RawMessage raw(Message m, Instant received) {
        Map<String, String> headers = new HashMap<>();
        m.messageAttributes().forEach((k, v) -> {
            if (v.stringValue() != null) {
                headers.put(k, v.stringValue());
            } else if (v.binaryValue() != null) {
                headers.put(k, java.util.Base64.getEncoder().encodeToString(v.binaryValue().asByteArray()));
            }
        });
        Map<String, String> transport = new LinkedHashMap<>();
        transport.put("queueUrl", spec.sqs().queueUrl());
        String receiveCount = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
        if (receiveCount != null) {
            transport.put("receiveCount", receiveCount);
        }
        String sent = m.attributes().get(MessageSystemAttributeName.SENT_TIMESTAMP);
        if (sent != null) {
            try {
                transport.put("timestamp", Instant.ofEpochMilli(Long.parseLong(sent)).toString());
            } catch (NumberFormatException ignored) {
                // not a timestamp: leave it out
            }
        }
        byte[] body = m.body() == null ? new byte[0] : m.body().getBytes(StandardCharsets.UTF_8);
        return new RawMessage(body, headers, m.messageId(), received, transport);
    }

    private void refreshBacklog(SqsClient sqs) {
        long now = System.currentTimeMillis();
        if (now - backlogAt < BACKLOG_EVERY_MS) {
            return;
        }
        backlogAt = now;
        try {
            String n = sqs.getQueueAttributes(r -> r.queueUrl(spec.sqs().queueUrl())
                    .attributeNames(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
                    .attributes().get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES);
            stats.backlog.set(n == null ? -1 : Long.parseLong(n));
        } catch (RuntimeException e) {
            stats.backlog.set(-1);
        }
    }

    @Override
    public void stop(long deadline) {
        stopDeadline = deadline;
        stopping = true;
        for (Thread t : threads) {
            try {
                t.join(Math.max(1, deadline - System.currentTimeMillis() + waitTime().toMillis() + 5_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (client != null) {
            client.close();
        }
        state = State.STOPPED;
    }

}
