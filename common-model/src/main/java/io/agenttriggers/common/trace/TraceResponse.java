package io.agenttriggers.common.trace;

import io.opentelemetry.api.trace.Span;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Every answer names the trace its request is part of, in the W3C {@code traceresponse} header (Trace Context
 * Level 2): a caller that sent no {@code traceparent} can still find the run's trace (its ledger row carries the
 * same trace id).
 */
@ApplicationScoped
public class TraceResponse {

    static final String HEADER = "traceresponse";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(rc -> {
            String traceparent = TraceContext.currentOr(null);
            if (traceparent != null) {
                rc.response().headers().set(HEADER, traceparent);
            }
            rc.next();
        });
    }
}
