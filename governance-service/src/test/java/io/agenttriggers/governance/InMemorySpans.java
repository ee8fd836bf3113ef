package io.agenttriggers.governance;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

/** The spans governance's tests make, kept in memory (Quarkus exports to a SpanExporter bean when there is one). */
public class InMemorySpans {

    @Produces
    @ApplicationScoped
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
