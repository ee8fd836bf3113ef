package io.agenttriggers.common.outbound;

import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the {@link OutboundUrlPolicy} of {@link OutboundConfig} a bean of every service that calls out. */
@Singleton
public class OutboundUrlPolicyProducer {

    /** Built at startup, so a malformed {@code triggers.outbound.allow} entry stops the service before it serves. */
    @Produces
    @Singleton
    @Startup
    OutboundUrlPolicy policy(OutboundConfig config) {
        return OutboundUrlPolicy.of(config);
    }
}
