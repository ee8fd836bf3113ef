package io.agenttriggers.common.trace;

import io.agenttriggers.common.event.TriggerEvent;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.smallrye.mutiny.Uni;
import java.util.List;
import java.util.function.Function;

/**
 * W3C trace context on trigger events. Each ingress puts the context of its request's span (which continues the
 * caller's {@code traceparent}) on the event it publishes; governance and the dispatcher start their spans as its
 * children and pass their own on, so one trace runs from the request through Kafka to the agent runtime's call, and
 * the run's ledger row keeps it. Spans are sampled by {@code quarkus.otel.traces.sampler.arg} (0 by default: trace
 * ids travel, nothing is recorded or exported).
 */
public final class TraceContext {

    private static final W3CTraceContextPropagator W3C = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<String> FROM_TRACEPARENT = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(String carrier) {
            return List.of("traceparent");
        }

        @Override
        public String get(String carrier, String key) {
            return "traceparent".equals(key) ? carrier : null;
        }
    };

    private TraceContext() {
    }

    /** The current span's context as a {@code traceparent}, or {@code fallback} when there is no valid one. */
    public static String currentOr(String fallback) {
        return of(Span.current(), fallback);
    }

    /** The span's context as a {@code traceparent}, or {@code fallback} when it has none (tracing off). */
    public static String of(Span span, String fallback) {
        SpanContext c = span.getSpanContext();
        return c.isValid() ? "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex() : fallback;
    }

    /** The trace id of a {@code traceparent}, or null when it is missing or malformed. */
    public static String traceId(String traceparent) {
        SpanContext c = Span.fromContext(parent(traceparent)).getSpanContext();
        return c.isValid() ? c.getTraceId() : null;
    }

    /** A span continuing the trace of {@code traceparent} (a new trace when it is missing or malformed). */
    public static Span start(Tracer tracer, String name, SpanKind kind, String traceparent) {
        return tracer.spanBuilder(name).setSpanKind(kind).setParent(parent(traceparent)).startSpan();
    }

    /**
     * Runs {@code work} on the event as carried on by a span of its own, the event's trace's child: the event it gets
     * has that span's {@code traceparent}. The span ends when the work does (an error status when it fails).
     */
    public static <T> Uni<T> traced(Tracer tracer, String name, SpanKind kind, TriggerEvent event,
            Function<TriggerEvent, Uni<T>> work) {
        Span span = start(tracer, name, kind, event.traceparent())
                .setAttribute("triggers.run_id", event.id())
                .setAttribute("triggers.tenant_id", event.tenantId())
                .setAttribute("triggers.event_name", event.eventName());
        return Uni.createFrom().deferred(() -> work.apply(event.withTraceparent(of(span, event.traceparent()))))
                .onFailure().invoke(e -> span.setStatus(StatusCode.ERROR, e.toString()))
                .onTermination().invoke(span::end);
    }

    private static Context parent(String traceparent) {
        return traceparent == null ? Context.root() : W3C.extract(Context.root(), traceparent, FROM_TRACEPARENT);
    }
}
