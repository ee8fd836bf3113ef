package io.agenttriggers.common.overload;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

/** The one counter of deliveries an ingress answered 503 overloaded, tagged by what refused them. */
final class Shedding {

    private Shedding() {
    }

    /** {@code cause}: {@code backlog} ({@link BacklogGate}) or {@code admission_limit} ({@link AdmissionLimit}). */
    static Counter counter(MeterRegistry registry, String cause) {
        return Counter.builder("triggers_ingress_shed_total")
                .description("Deliveries answered 503 overloaded, by cause: the pipeline behind this ingress is "
                        + "behind (backlog) or the ingress answers too slowly to take more at once (admission_limit)")
                .tag("cause", cause)
                .register(registry);
    }
}
