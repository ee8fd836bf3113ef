package io.agenttriggers.queue.source;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.CancelCallback;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.Delivery;
import com.rabbitmq.client.LongString;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import io.agenttriggers.queue.config.SourceSpec;
import io.agenttriggers.queue.domain.Backoff;
import io.agenttriggers.queue.domain.Disposition;
import io.agenttriggers.queue.domain.RawMessage;
import io.agenttriggers.queue.messaging.InboundPublisher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A RabbitMQ queue over AMQP 0-9-1 with the RabbitMQ Java client: manual acknowledgement, at most {@code prefetch}
 * unacknowledged deliveries (basic.qos). A delivery is acknowledged only after its event is durable on Kafka; a
 * message that is not an event is rejected into the queue's dead-letter exchange, or, without one, published to the
 * dead-letter queue with a publisher confirm and then acknowledged. The client recovers a lost connection (and the
 * consumer) by itself; the broker redelivers what was unacknowledged, marked redelivered.
 */
public final class RabbitmqSourceRunner extends SourceRunner {

    private final AmqpSourceRunner.Defaults defaults;
    private final int prefetch;
    private final AtomicInteger unacked = new AtomicInteger();
    /** Acknowledgements and dead letters, in order, off the Kafka producer's thread. */
    private final ExecutorService settler;
    /** Deliveries of one channel arrive one at a time, so one lane keeps them in order. */
    private final Lane lane = new Lane();
    private volatile Connection connection;
    private volatile Channel channel;
    private Channel deadLetters;
    private volatile String consumerTag;
    private int attempts;

    public RabbitmqSourceRunner(SourceSpec spec, SourceStats stats, InboundPublisher publisher,
            ScheduledExecutorService scheduler, AmqpSourceRunner.Defaults defaults) {
        super(spec, stats, publisher, scheduler);
        this.defaults = defaults;
        this.prefetch = spec.rabbitmq().prefetch() == null ? 100 : spec.rabbitmq().prefetch();
        this.settler = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rabbitmq-settle-" + spec.name());
            t.setDaemon(true);
            return t;
        });
    }

    private String host() {
        return spec.rabbitmq().host() != null ? spec.rabbitmq().host() : defaults.host();
    }

    private int port() {
        return spec.rabbitmq().port() != null ? spec.rabbitmq().port() : defaults.port();
    }

    private String vhost() {
        return spec.rabbitmq().virtualHost() == null ? "/" : spec.rabbitmq().virtualHost();
    }

    @Override
    public String address() {
        return "amqp://" + host() + ":" + port() + "/" + (vhost().equals("/") ? "" : vhost() + "/")
                + spec.rabbitmq().queue();
    }

    @Override
    public void start() {
        scheduler.execute(this::connect);
    }

    /** Connects, declares, consumes; a failure schedules another attempt with backoff. Runs on the scheduler. */
    private void connect() {
        if (stopping) {
            return;
        }
        SourceSpec.Rabbitmq r = spec.rabbitmq();
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(host());
        factory.setPort(port());
        factory.setVirtualHost(vhost());
        factory.setUsername(r.username() != null ? r.username() : defaults.username());
        factory.setPassword(r.password() != null ? r.password().reveal() : defaults.password());
        factory.setConnectionTimeout(5_000);
        factory.setAutomaticRecoveryEnabled(true);
        factory.setTopologyRecoveryEnabled(true);
        factory.setNetworkRecoveryInterval(Math.max(100, spec.initialBackoff().toMillis()));
        factory.setRequestedHeartbeat(30);
        try {
            if (Boolean.TRUE.equals(r.tls())) {
                factory.useSslProtocol(javax.net.ssl.SSLContext.getDefault());
                factory.enableHostnameVerification();
            }
            Connection conn = factory.newConnection("agent-triggers-queue-" + spec.name());
            connection = conn;
            conn.addShutdownListener(cause -> {
                if (!stopping && !cause.isInitiatedByApplication()) {
                    state = State.RECONNECTING;
                    noteError("connection lost: " + describe(cause));
                    log.warnf("Source %s: connection lost (%s); the client reconnects", spec.name(), describe(cause));
                }
            });
            if (conn instanceof Recoverable recoverable) {
                recoverable.addRecoveryListener(new RecoveryListener() {
                    @Override
                    public void handleRecovery(Recoverable ignored) {
                        state = State.RUNNING;
                        clearError();
                        log.infof("Source %s: connection recovered", spec.name());
                    }

                    @Override
                    public void handleRecoveryStarted(Recoverable ignored) {
                    }
                });
            }
            Channel ch = conn.createChannel();
            ch.basicQos(prefetch);
            declare(ch);
            channel = ch;
            if (!paused) {
                consume();
            }
            attempts = 0;
            state = State.RUNNING;
            clearError();
            log.infof("Source %s: consuming %s", spec.name(), address());
        } catch (IOException | TimeoutException | java.security.GeneralSecurityException | RuntimeException e) {
            closeQuietly();
            state = State.RECONNECTING;
            noteError("cannot consume: " + describe(e));
            long wait = Backoff.delay(spec.initialBackoff(), spec.maxBackoff(), attempts++).toMillis();
            log.warnf("Source %s: cannot consume %s (%s); again in %d ms", spec.name(), address(), describe(e), wait);
            scheduler.schedule(this::connect, Math.max(1, wait), TimeUnit.MILLISECONDS);
        }
    }

    /** The source's topology, when it declares one: exchange, queue (quorum by default), bindings, DLX. */
    private void declare(Channel ch) throws IOException {
        SourceSpec.Declare d = spec.rabbitmq().declare();
        if (d == null) {
            return;
        }
        String queue = spec.rabbitmq().queue();
        Map<String, Object> args = new HashMap<>();
        args.put("x-queue-type", d.queueTypeOrDefault().name().toLowerCase());
        if (d.deadLetterExchange() != null && !d.deadLetterExchange().isBlank()) {
            // The DLX routes the queue's rejected messages to its dead-letter queue.
            ch.exchangeDeclare(d.deadLetterExchange(), BuiltinExchangeType.FANOUT, true);
            String dlq = spec.deadLetterOrDefault();
            ch.queueDeclare(dlq, true, false, false, Map.of("x-queue-type", d.queueTypeOrDefault().name()
                    .toLowerCase()));
            ch.queueBind(dlq, d.deadLetterExchange(), "");
            args.put("x-dead-letter-exchange", d.deadLetterExchange());
        }
        ch.queueDeclare(queue, true, false, false, args);
        if (d.exchange() != null && !d.exchange().isBlank()) {
            ch.exchangeDeclare(d.exchange(), BuiltinExchangeType.valueOf(d.exchangeTypeOrDefault().name()), true);
            for (String key : d.routingKeysOrDefault()) {
                ch.queueBind(queue, d.exchange(), key);
            }
        }
    }

    private void consume() throws IOException {
        Channel ch = channel;
        if (ch == null || consumerTag != null) {
            return;
        }
        CancelCallback cancelled = tag -> {
            // The queue was deleted, or the broker cancelled the consumer: start again from connecting.
            if (!stopping && tag.equals(consumerTag)) {
                consumerTag = null;
                noteError("consumer cancelled by the broker");
                log.warnf("Source %s: consumer cancelled by the broker; reconnecting", spec.name());
                closeQuietly();
                state = State.RECONNECTING;
                scheduler.schedule(this::connect, Math.max(1, spec.initialBackoff().toMillis()),
                        TimeUnit.MILLISECONDS);
            }
        };
        consumerTag = ch.basicConsume(spec.rabbitmq().queue(), false, "agent-triggers-" + spec.name() + "-"
                + java.util.UUID.randomUUID(), (tag, delivery) -> onDelivery(ch, delivery), cancelled);
    }

    private void onDelivery(Channel ch, Delivery delivery) {
        unacked.incrementAndGet();
        if (delivery.getEnvelope().isRedeliver()) {
            stats.redeliveries.increment();
        }
        Instant received = Instant.now();
        handle(() -> raw(delivery, received), lane).whenComplete((d, e) -> {
            Disposition disposition = d == null ? new Disposition(Disposition.Kind.REQUEUE, "internal error") : d;
            try {
                settler.execute(() -> settle(ch, delivery, disposition));
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                unacked.decrementAndGet();
            }
        });
    }

    private void settle(Channel ch, Delivery delivery, Disposition d) {
        long tag = delivery.getEnvelope().getDeliveryTag();
        if (d.kind() == Disposition.Kind.REQUEUE) {
            // Given back after the backoff, so a message that cannot be handled now does not spin.
            scheduler.schedule(() -> settleLater(() -> ch.basicNack(tag, false, true)),
                    Math.max(1, spec.initialBackoff().toMillis()), TimeUnit.MILLISECONDS);
            return;
        }
        try {
            // After a recovery the client drops acknowledgements of the old channel's tags; the broker redelivers.
            switch (d.kind()) {
                case PUBLISHED, ACK -> ch.basicAck(tag, false);
                case DEAD_LETTER -> deadLetter(ch, delivery, d.reason());
                default -> {
                    // ABANDONED: left unacknowledged; the broker redelivers it once the channel closes.
                }
            }
        } catch (IOException | RuntimeException e) {
            noteError("acknowledgement not sent: " + e.getClass().getSimpleName());
        } finally {
            unacked.decrementAndGet();
        }
    }

    private interface Settlement {
        void run() throws IOException;
    }

    private void settleLater(Settlement settlement) {
        try {
            settler.execute(() -> {
                try {
                    settlement.run();
                } catch (IOException | RuntimeException e) {
                    noteError("acknowledgement not sent: " + e.getClass().getSimpleName());
                } finally {
                    unacked.decrementAndGet();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Stopped meanwhile: the connection is closing, and the broker redelivers the message.
            unacked.decrementAndGet();
        }
    }

    /** Into the queue's DLX when it has one; otherwise to the dead-letter queue, confirmed, then acknowledged. */
    private void deadLetter(Channel ch, Delivery delivery, String reason) throws IOException {
        long tag = delivery.getEnvelope().getDeliveryTag();
        if (spec.rabbitmq().deadLetterExchangeOrNull() != null) {
            ch.basicReject(tag, false);
            deadLettered();
            return;
        }
        try {
            if (deadLetters == null || !deadLetters.isOpen()) {
                deadLetters = deadLetterChannel();
            }
            AMQP.BasicProperties original = delivery.getProperties();
            Map<String, Object> headers = new HashMap<>(original.getHeaders() == null ? Map.of()
                    : original.getHeaders());
            headers.put("dead-letter-reason", reason);
            headers.put("dead-letter-source", spec.name());
            AMQP.BasicProperties props = original.builder().headers(headers).deliveryMode(2).build();
            deadLetters.basicPublish("", spec.deadLetterOrDefault(), true, props, delivery.getBody());
            deadLetters.waitForConfirmsOrDie(5_000);
            deadLettered();
            ch.basicAck(tag, false);
        } catch (IOException | TimeoutException | InterruptedException | RuntimeException e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            noteError("dead letter not written: " + e.getClass().getSimpleName());
            log.errorf("Source %s: dead letter of %s not written (%s); given back to the broker", spec.name(),
                    delivery.getProperties().getMessageId(), e.getClass().getSimpleName());
            ch.basicNack(tag, false, true);
        }
    }

    /** A confirming channel to the dead-letter queue: an existing one as it is, else declared durable. */
    private Channel deadLetterChannel() throws IOException {
        Channel dl = connection.createChannel();
        try {
            dl.queueDeclarePassive(spec.deadLetterOrDefault());
        } catch (IOException missing) {
            // The passive declare closed the channel (404): declare it on a new one.
            dl = connection.createChannel();
            dl.queueDeclare(spec.deadLetterOrDefault(), true, false, false, null);
        }
        dl.confirmSelect();
        return dl;
    }

    /**
     * The delivery as the extraction rules read it: the message's headers, and its routing and properties as the
     * pseudo-headers {@code amqp.routing-key}, {@code amqp.exchange}, {@code amqp.message-id},
     * {@code amqp.correlation-id}, {@code amqp.type}, {@code amqp.app-id} and {@code amqp.content-type}.
     */
    private RawMessage raw(Delivery delivery, Instant received) {
        AMQP.BasicProperties p = delivery.getProperties();
        Map<String, String> headers = new HashMap<>();
        if (p.getHeaders() != null) {
            p.getHeaders().forEach((k, v) -> {
                String value = text(v);
                if (value != null) {
                    headers.put(k, value);
                }
            });
        }
        put(headers, "amqp.routing-key", delivery.getEnvelope().getRoutingKey());
        put(headers, "amqp.exchange", delivery.getEnvelope().getExchange());
        put(headers, "amqp.message-id", p.getMessageId());
        put(headers, "amqp.correlation-id", p.getCorrelationId());
        put(headers, "amqp.type", p.getType());
        put(headers, "amqp.app-id", p.getAppId());
        put(headers, "amqp.content-type", p.getContentType());
        Map<String, String> transport = new LinkedHashMap<>();
        transport.put("queue", spec.rabbitmq().queue());
        put(transport, "exchange", delivery.getEnvelope().getExchange());
        put(transport, "routingKey", delivery.getEnvelope().getRoutingKey());
        transport.put("redelivered", String.valueOf(delivery.getEnvelope().isRedeliver()));
        if (p.getTimestamp() != null) {
            transport.put("timestamp", p.getTimestamp().toInstant().toString());
        }
        return new RawMessage(delivery.getBody(), headers, p.getMessageId(), received, transport);
    }

    private static void put(Map<String, String> map, String key, String value) {
        if (value != null && !value.isEmpty()) {
            map.put(key, value);
        }
    }

    /** A header value as text: strings and numbers; tables, lists and binary are not headers an event carries. */
    private static String text(Object v) {
        if (v instanceof LongString s) {
            return new String(s.getBytes(), StandardCharsets.UTF_8);
        }
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return String.valueOf(v);
        }
        return null;
    }

    /** The exception class and, for broker refusals, the reply text (it names queues, never the password). */
    private String describe(Throwable e) {
        String secret = spec.rabbitmq().password() != null ? spec.rabbitmq().password().reveal() : defaults.password();
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause && cause instanceof IOException) {
            cause = cause.getCause();
        }
        String m = cause.getMessage();
        if (m == null || (secret != null && !secret.isEmpty() && m.contains(secret))) {
            return cause.getClass().getSimpleName();
        }
        return cause.getClass().getSimpleName() + " (" + (m.length() > 200 ? m.substring(0, 200) : m) + ")";
    }

    @Override
    public void pause() {
        super.pause();
        scheduler.execute(() -> {
            Channel ch = channel;
            String tag = consumerTag;
            if (ch != null && tag != null && paused) {
                try {
                    consumerTag = null;
                    ch.basicCancel(tag);
                } catch (IOException | RuntimeException e) {
                    // The channel is gone: nothing is consumed anyway.
                }
            }
        });
    }

    @Override
    public void resume() {
        super.resume();
        scheduler.execute(() -> {
            if (!paused && !stopping) {
                try {
                    consume();
                } catch (IOException | RuntimeException e) {
                    noteError("cannot resume: " + describe(e));
                }
            }
        });
    }

    @Override
    public void stop(long deadline) {
        stopping = true;
        Channel ch = channel;
        String tag = consumerTag;
        if (ch != null && tag != null) {
            try {
                ch.basicCancel(tag);
            } catch (IOException | RuntimeException e) {
                // Closing below ends the consumer too.
            }
        }
        while (unacked.get() > 0 && System.currentTimeMillis() < deadline) {
            sleep(20);
        }
        settler.shutdown();
        try {
            settler.awaitTermination(Math.max(0, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeQuietly();
        state = State.STOPPED;
    }

    private void closeQuietly() {
        Connection c = connection;
        connection = null;
        channel = null;
        consumerTag = null;
        deadLetters = null;
        if (c != null) {
            try {
                c.close(2_000);
            } catch (IOException | RuntimeException e) {
                c.abort();
            }
        }
    }
}
