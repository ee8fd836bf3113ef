package io.agenttriggers.common.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Records a broken or hostile producer may put on any of the system's topics: each must be set aside with its reason
 * while the valid events behind it go on. {@code marker} is carried in the value or a header so a test can find the
 * record's dead letter.
 */
public final class GarbageRecords {

    /**
     * One bad record: what is wrong with it, its headers and its value, and whether it is still a CloudEvent (one the
     * consumer reads and refuses itself) or not even that (SmallRye's deserializer refuses it first).
     */
    public record Garbage(String what, Map<String, String> headers, byte[] value, boolean cloudEvent) {
    }

    /** The header naming each record's kind, so a test can tell its dead letters apart. */
    public static final String KIND = "x-test-garbage";

    private GarbageRecords() {
    }

    /** Every kind, each carrying {@code marker} in its {@code x-test-marker} header. */
    public static List<Garbage> all(String marker, String ceType) {
        String id = UUID.randomUUID().toString();
        return List.of(
                new Garbage("no headers and a value that is not JSON", Map.of("x-test-marker", marker, KIND, "0"),
                        utf8("not json {"), false),
                new Garbage("CloudEvent headers of an unknown spec version", Map.of("x-test-marker", marker, KIND, "1",
                        "ce_specversion", "0.1", "ce_id", id, "ce_source", "/x", "ce_type", ceType),
                        utf8("{}"), false),
                new Garbage("a CloudEvent of an unknown type", ce(marker, "2", "com.example.unknown"), utf8("{}"),
                        true),
                new Garbage("a CloudEvent whose data is invalid JSON", ce(marker, "3", ceType),
                        utf8("{\"payload\":"), true),
                new Garbage("a CloudEvent whose data breaks the contract", ce(marker, "4", ceType),
                        utf8("{\"payload\":[1,2,3],\"headers\":\"none\"}"), true));
    }

    private static Map<String, String> ce(String marker, String kind, String type) {
        return Map.of("x-test-marker", marker, KIND, kind, "ce_specversion", "1.0", "ce_id", UUID.randomUUID().toString(),
                "ce_source", "/garbage", "ce_type", type, "content-type", "application/json",
                "ce_tenantid", "garbage");
    }

    /** The garbage a dead letter stands for, by its kind header. */
    public static Garbage of(List<Garbage> all, org.apache.kafka.clients.consumer.ConsumerRecord<?, ?> deadLetter) {
        return all.get(Integer.parseInt(KafkaTestClient.header(deadLetter, KIND)));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
