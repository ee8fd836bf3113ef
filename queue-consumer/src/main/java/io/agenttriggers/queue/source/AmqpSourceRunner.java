package io.agenttriggers.queue.source;

import io.agenttriggers.queue.config.Secret;
import io.agenttriggers.queue.config.SourceSpec;
import io.agenttriggers.queue.domain.Backoff;
import io.agenttriggers.queue.domain.Disposition;
import io.agenttriggers.queue.domain.RawMessage;
import io.agenttriggers.queue.messaging.InboundPublisher;
import io.vertx.amqp.AmqpClient;
import io.vertx.amqp.AmqpClientOptions;
import io.vertx.amqp.AmqpConnection;
import io.vertx.amqp.AmqpMessage;
import io.vertx.amqp.AmqpReceiver;
import io.vertx.amqp.AmqpReceiverOptions;
import io.vertx.amqp.AmqpSender;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.qpid.proton.amqp.Binary;
import org.apache.qpid.proton.amqp.messaging.AmqpValue;
import org.apache.qpid.proton.amqp.messaging.Data;
import org.apache.qpid.proton.amqp.messaging.Section;

/**
 * An AMQP 1.0 address (a RabbitMQ queue with the AMQP 1.0 plugin), read on a durable link without automatic
 * acknowledgement. A message is accepted only after its event is durable on Kafka (or its dead letter was
 * accepted by the broker); at most {@code amqp.prefetch} messages are unsettled at once. A lost connection is
 * re-established with backoff; the broker redelivers what was unsettled on it.
 */
public final class AmqpSourceRunner extends SourceRunner {

    /** The service-wide broker settings ({@code amqp-host}, ...), used where the source sets none. */
    public record Defaults(String host, int port, String username, String password) {
        @Override
        public String toString() {
            return "Defaults[host=" + host + ", port=" + port + ", username=" + username + ", password=****]";
        }
    }

    private final Vertx vertx;
    private final Defaults defaults;
    private final int prefetch;
    private final AtomicInteger unsettled = new AtomicInteger();
    private final java.util.concurrent.ConcurrentLinkedQueue<Runnable> settlements =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean settling = new java.util.concurrent.atomic.AtomicBoolean();
    private Context context;
    private AmqpClient client;
    private AmqpConnection connection;
    private AmqpReceiver receiver;
    private Future<AmqpSender> deadLetterSender;
    private boolean flowPaused;
    /** Messages arrive on the event loop only, so one lane keeps them in order. */
    private final Lane lane = new Lane();
    private int reconnects;
    /** Each connection attempt's number; a failure report of an older attempt is ignored. */
    private int generation;

    public AmqpSourceRunner(SourceSpec spec, SourceStats stats, InboundPublisher publisher,
            ScheduledExecutorService scheduler, Vertx vertx, Defaults defaults) {
        super(spec, stats, publisher, scheduler);
        this.vertx = vertx;
        this.defaults = defaults;
        this.prefetch = spec.amqp().prefetch() == null ? 100 : spec.amqp().prefetch();
    }

    private String host() {
        return spec.amqp().host() != null ? spec.amqp().host() : defaults.host();
    }

    private int port() {
        return spec.amqp().port() != null ? spec.amqp().port() : defaults.port();
    }

    @Override
    public String address() {
        return "amqp://" + host() + ":" + port() + "/" + spec.amqp().address();
    }

    @Override
    public void start() {
        context = vertx.getOrCreateContext();
        context.runOnContext(v -> connect());
    }

    private void connect() {
        if (stopping) {
            return;
        }
        int gen = ++generation;
        SourceSpec.Amqp a = spec.amqp();
        AmqpClientOptions options = new AmqpClientOptions()
                .setHost(host()).setPort(port())
                .setUsername(a.username() != null ? a.username() : defaults.username())
                .setPassword(a.password() != null ? a.password().reveal() : defaults.password())
                .setSsl(Boolean.TRUE.equals(a.tls()))
                .setConnectTimeout(5_000)
                .setContainerId("agent-triggers-queue-" + spec.name());
        client = AmqpClient.create(vertx, options);
        client.connect()
                .compose(conn -> {
                    connection = conn;
                    conn.exceptionHandler(e -> lost(gen, "connection error: " + e.getClass().getSimpleName()));
                    conn.closeFuture().onComplete(x -> lost(gen, "connection closed"));
                    return conn.createReceiver(a.address(), new AmqpReceiverOptions()
                            .setAutoAcknowledgement(false)
                            .setDurable(true)
                            .setMaxBufferedMessages(prefetch));
                })
                .onSuccess(r -> {
                    receiver = r;
                    reconnects = 0;
                    flowPaused = false;
                    r.exceptionHandler(e -> lost(gen, "link error: " + e.getClass().getSimpleName()));
                    r.endHandler(v -> lost(gen, "link closed by the broker"));
                    r.handler(this::onMessage);
                    state = State.RUNNING;
                    clearError();
                    adjustFlow();
                    log.infof("Source %s: receiving from %s", spec.name(), address());
                })
                .onFailure(e -> lost(gen, "cannot attach: " + describe(e)));
    }

    /**
     * The class and the broker's condition text ("amqp:not-found ...", "Failed to authenticate"), which name hosts
     * and addresses; as a guard, a text that contains the password is not shown at all.
     */
    private String describe(Throwable e) {
        String m = e.getMessage();
        Secret password = spec.amqp().password();
        String secret = password != null ? password.reveal() : defaults.password();
        if (m == null || (secret != null && !secret.isEmpty() && m.contains(secret))) {
            return e.getClass().getSimpleName();
        }
        return e.getClass().getSimpleName() + " (" + (m.length() > 200 ? m.substring(0, 200) : m) + ")";
    }

    private void lost(int gen, String why) {
        if (stopping || gen != generation) {
            return;
        }
        generation++;
        state = State.RECONNECTING;
        noteError(why);
        AmqpClient old = client;
        client = null;
        receiver = null;
        connection = null;
        deadLetterSender = null;
        if (old != null) {
            old.close().onComplete(x -> {
            });
        }
        long wait = Backoff.delay(spec.initialBackoff(), spec.maxBackoff(), reconnects++).toMillis();
        log.warnf("Source %s: %s; reconnecting in %d ms", spec.name(), why, wait);
        vertx.setTimer(Math.max(1, wait), t -> connect());
    }

    private void onMessage(AmqpMessage message) {
        AmqpReceiver from = receiver;
        unsettled.incrementAndGet();
        adjustFlow();
        Instant received = Instant.now();
        // The message is read into its raw form on the envelope pool, not on the event loop.
        handle(() -> raw(message, received), lane).whenComplete((d, e) -> onContext(() -> settle(from, message, d)));
    }

    /**
     * Runs settlements on the link's context, many per hop: completions arrive from Kafka's producer thread one by
     * one, and a context task per message costs more than the settlement itself.
     */
    private void onContext(Runnable task) {
        settlements.add(task);
        if (settling.compareAndSet(false, true)) {
            context.runOnContext(v -> {
                settling.set(false);
                Runnable next;
                while ((next = settlements.poll()) != null) {
                    next.run();
                }
            });
        }
    }

    private void settle(AmqpReceiver from, AmqpMessage message, Disposition d) {
        if (from != receiver) {
            // The link this message came on is gone; the broker already gave it back.
            release();
            return;
        }
        switch (d.kind()) {
            case PUBLISHED, ACK -> {
                safely(message::accepted);
                release();
            }
            case ABANDONED -> release();
            case REQUEUE -> vertx.setTimer(Math.max(1, spec.initialBackoff().toMillis()), t -> {
                safely(() -> message.modified(true, false));
                release();
            });
            case DEAD_LETTER -> deadLetter(message, d.reason()).onComplete(ar -> {
                if (ar.succeeded()) {
                    deadLettered();
                    safely(message::accepted);
                    release();
                } else {
                    noteError("dead letter not written: " + ar.cause().getClass().getSimpleName());
                    log.errorf("Source %s: dead letter of %s not written (%s); given back to the broker",
                            spec.name(), message.id(), ar.cause().getClass().getSimpleName());
                    vertx.setTimer(Math.max(1, spec.initialBackoff().toMillis()), t -> {
                        safely(() -> message.modified(true, false));
                        release();
                    });
                }
            });
        }
    }

    private Future<Void> deadLetter(AmqpMessage original, String reason) {
        if (connection == null) {
            return Future.failedFuture(new IllegalStateException("not connected"));
        }
        if (deadLetterSender == null) {
            deadLetterSender = connection.createSender(spec.deadLetterOrDefault());
        }
        JsonObject props = original.applicationProperties() == null ? new JsonObject()
                : original.applicationProperties().copy();
        props.put("dead-letter-reason", reason).put("dead-letter-source", spec.name());
        AmqpMessage letter = AmqpMessage.create()
                .withBufferAsBody(Buffer.buffer(body(original)))
                .applicationProperties(props)
                .id(original.id())
                .contentType(original.contentType())
                .durable(true)
                .build();
        return deadLetterSender.compose(sender -> sender.sendWithAck(letter))
                .onFailure(e -> deadLetterSender = null);
    }

    private void release() {
        unsettled.decrementAndGet();
        adjustFlow();
    }

    /** Stops the link's flow while paused or while {@code prefetch} messages are unsettled. */
    private void adjustFlow() {
        AmqpReceiver r = receiver;
        if (r == null) {
            return;
        }
        boolean shouldPause = paused || stopping || unsettled.get() >= prefetch;
        if (shouldPause && !flowPaused) {
            r.pause();
            flowPaused = true;
        } else if (!shouldPause && flowPaused) {
            r.resume();
            flowPaused = false;
        }
    }

    private static void safely(Runnable settle) {
        try {
            settle.run();
        } catch (RuntimeException e) {
            // The link closed meanwhile: the broker redelivers the message.
        }
    }

    private RawMessage raw(AmqpMessage message, Instant received) {
        Map<String, String> headers = new HashMap<>();
        JsonObject props = message.applicationProperties();
        if (props != null) {
            props.forEach(e -> {
                if (e.getValue() != null) {
                    headers.put(e.getKey(), String.valueOf(e.getValue()));
                }
            });
        }
        Map<String, String> transport = new LinkedHashMap<>();
        transport.put("address", spec.amqp().address());
        transport.put("deliveryCount", String.valueOf(message.deliveryCount()));
        if (message.subject() != null) {
            transport.put("subject", message.subject());
        }
        if (message.contentType() != null) {
            transport.put("contentType", message.contentType());
        }
        if (message.correlationId() != null) {
            transport.put("correlationId", message.correlationId());
        }
        if (message.creationTime() > 0) {
            transport.put("timestamp", Instant.ofEpochMilli(message.creationTime()).toString());
        }
        return new RawMessage(body(message), headers, message.id(), received, transport);
    }

    static byte[] body(AmqpMessage message) {
        Section body = message.unwrap().getBody();
        if (body instanceof Data data && data.getValue() != null) {
            Binary b = data.getValue();
            byte[] out = new byte[b.getLength()];
            System.arraycopy(b.getArray(), b.getArrayOffset(), out, 0, b.getLength());
            return out;
        }
        if (body instanceof AmqpValue value) {
            Object v = value.getValue();
            if (v instanceof Binary b) {
                byte[] out = new byte[b.getLength()];
                System.arraycopy(b.getArray(), b.getArrayOffset(), out, 0, b.getLength());
                return out;
            }
            if (v != null) {
                return String.valueOf(v).getBytes(StandardCharsets.UTF_8);
            }
        }
        return new byte[0];
    }

    @Override
    public void pause() {
        super.pause();
        if (context != null) {
            context.runOnContext(v -> adjustFlow());
        }
    }

    @Override
    public void resume() {
        super.resume();
        if (context != null) {
            context.runOnContext(v -> adjustFlow());
        }
    }

    @Override
    public void stop(long deadline) {
        stopping = true;
        if (context == null) {
            state = State.STOPPED;
            return;
        }
        context.runOnContext(v -> adjustFlow());
        while (unsettled.get() > 0 && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        CountDownLatch closed = new CountDownLatch(1);
        context.runOnContext(v -> {
            AmqpClient c = client;
            client = null;
            receiver = null;
            if (c == null) {
                closed.countDown();
            } else {
                c.close().onComplete(x -> closed.countDown());
            }
        });
        try {
            closed.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        state = State.STOPPED;
    }
}
