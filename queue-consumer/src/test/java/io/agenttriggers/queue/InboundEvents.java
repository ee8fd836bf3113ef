package io.agenttriggers.queue;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.microprofile.config.ConfigProvider;

/** Reads the test run's inbound topic in the background, like the governance-service would. */
public final class InboundEvents {

    private static final List<TriggerEvent> EVENTS = new CopyOnWriteArrayList<>();
    private static Thread reader;

    private InboundEvents() {
    }

    public static synchronized void start() {
        if (reader != null) {
            return;
        }
        String topic = ConfigProvider.getConfig().getValue("triggers.queue-consumer.inbound-topic", String.class);
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-inbound-" + UUID.randomUUID());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class.getName());
        reader = new Thread(() -> {
            try (KafkaConsumer<String, CloudEvent> consumer = new KafkaConsumer<>(p)) {
                consumer.subscribe(List.of(topic));
                while (true) {
                    consumer.poll(Duration.ofMillis(200))
                            .forEach(r -> EVENTS.add(TriggerEventCodec.fromCloudEvent(r.value())));
                }
            }
        }, "test-inbound-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public static List<TriggerEvent> matching(Predicate<TriggerEvent> predicate) {
        return EVENTS.stream().filter(predicate).toList();
    }

    public static Optional<TriggerEvent> first(Predicate<TriggerEvent> predicate) {
        return EVENTS.stream().filter(predicate).findFirst();
    }
}
