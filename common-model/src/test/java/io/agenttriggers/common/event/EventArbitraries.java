package io.agenttriggers.common.event;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Generators for the event contract, shared by the property tests. */
public final class EventArbitraries {

    private EventArbitraries() {
    }

    /** Non-blank text including non-ASCII letters, as tenants and event names may hold. */
    public static Arbitrary<String> text(int maxLength) {
        return Arbitraries.strings()
                .withCharRange('a', 'z').withCharRange('A', 'Z').withCharRange('0', '9')
                .withChars('.', '-', '_', ':', '/', ' ', 'é', 'ü', 'ß', '中', '文')
                .ofMinLength(1).ofMaxLength(maxLength)
                .filter(s -> !s.isBlank());
    }

    public static Arbitrary<OffsetDateTime> times() {
        return Arbitraries.longs().between(0, 4_102_444_800_000L)
                .map(ms -> OffsetDateTime.ofInstant(Instant.ofEpochMilli(ms), ZoneOffset.UTC));
    }

    public static Arbitrary<JsonNode> payloads() {
        Arbitrary<Object> scalar = Arbitraries.oneOf(
                text(30).map(s -> (Object) s),
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().between(-1e9, 1e9).map(d -> (Object) d),
                Arbitraries.of(true, false).map(b -> (Object) b));
        Arbitrary<Object> nested = scalar.list().ofMaxSize(4).map(l -> (Object) l);
        return Arbitraries.maps(text(12), Arbitraries.oneOf(scalar, nested))
                .ofMaxSize(6)
                .map(EventArbitraries::asParsed);
    }

    /** Payloads always come from parsed JSON, where an int and a long of the same value are one number. */
    private static JsonNode asParsed(Object value) {
        try {
            return EventJson.MAPPER.readTree(EventJson.MAPPER.writeValueAsString(value));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Arbitrary<DispatchOptions> options() {
        Arbitrary<Fallback> fallback = Combinators.combine(
                        Arbitraries.of("http://fallback.local/run", "https://example.org/agent-fallback"),
                        Arbitraries.of(FallbackStrategy.class))
                .as(Fallback::new);
        return Combinators.combine(
                        Arbitraries.doubles().between(0, 1).injectNull(0.3),
                        fallback.injectNull(0.5),
                        Arbitraries.integers().between(1, 100).injectNull(0.3),
                        Arbitraries.longs().between(1, 3_600_000).map(Duration::ofMillis).injectNull(0.3))
                .as(DispatchOptions::new);
    }

    public static Arbitrary<TriggerEvent> events() {
        Arbitrary<TriggerData> data = Combinators.combine(
                        payloads(),
                        Arbitraries.maps(Arbitraries.of("user-agent", "x-request-id", "content-type"), text(40))
                                .ofMaxSize(3),
                        options())
                .as(TriggerData::new);
        return Combinators.combine(
                        Arbitraries.of(TriggerType.class),
                        Arbitraries.of("/api/hello", "/webhooks/0190b3c4-1a2b-7c3d-8e4f-5a6b7c8d9e0f", "/cron/nightly",
                                "/queue/team-events", "/manual/report.daily"),
                        text(60),
                        text(40),
                        times(),
                        text(80).injectNull(0.5),
                        text(80).injectNull(0.5),
                        Arbitraries.of(ResponseMode.class))
                .flatAs((type, source, eventName, tenant, time, dedupKey, focus, mode) -> Combinators.combine(
                                times().injectNull(0.5),
                                Arbitraries.of("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").injectNull(0.5),
                                text(60).injectNull(0.5),
                                data)
                        .as((deadline, traceparent, workflowId, d) -> TriggerEvent.builder(type, source, eventName,
                                        tenant)
                                .time(time)
                                .dedupKey(dedupKey)
                                .focus(focus)
                                .responseMode(mode)
                                .deadline(deadline)
                                .traceparent(traceparent)
                                .workflowId(workflowId)
                                .data(d)
                                .build()));
    }

    static List<String> headerNames(Map<String, ?> headers) {
        return List.copyOf(headers.keySet());
    }
}
