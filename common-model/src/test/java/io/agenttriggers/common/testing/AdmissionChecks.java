package io.agenttriggers.common.testing;

import java.util.Arrays;
import java.util.Map;

/**
 * What the ingresses' tests of the admission limit share: a limit of one with a Kafka that is not there (so a publish
 * holds its place for seconds), and reading a meter off a Prometheus scrape.
 */
public final class AdmissionChecks {

    private AdmissionChecks() {
    }

    /** Config overrides: limit 1, every publish waits about 3 s for an unreachable broker, then fails. */
    public static Map<String, String> oneAtATimeWithKafkaAway(String publishTimeoutKey) {
        return Map.of(
                "mp.messaging.outgoing.\"triggers.inbound\".bootstrap.servers", "127.0.0.1:1",
                "mp.messaging.outgoing.\"triggers.inbound\".max.block.ms", "3000",
                "mp.messaging.outgoing.\"triggers.inbound\".delivery.timeout.ms", "4000",
                "mp.messaging.outgoing.\"triggers.inbound\".request.timeout.ms", "2000",
                publishTimeoutKey, "PT6S",
                "triggers.overload.enabled", "true",
                "triggers.overload.adaptive.initial-limit", "1",
                "triggers.overload.adaptive.min-limit", "1",
                "triggers.overload.adaptive.max-limit", "1");
    }

    /** The sum of a meter's series in a scrape of {@code /q/metrics} whose line holds each of {@code tags}. */
    public static double meter(String scrape, String name, String... tags) {
        return scrape.lines()
                .filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .filter(line -> Arrays.stream(tags).allMatch(line::contains))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
