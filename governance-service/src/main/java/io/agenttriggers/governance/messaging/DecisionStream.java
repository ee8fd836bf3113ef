package io.agenttriggers.governance.messaging;

import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.governance.persistence.DecisionLog.DecisionRecord;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * The live decision stream: every replica publishes its decisions on a Redis channel and relays what the channel
 * carries to its own SSE subscribers, so a dashboard connected to any replica sees every decision. When Redis
 * cannot take a decision, it is still relayed locally.
 */
@ApplicationScoped
public class DecisionStream {

    private static final Logger LOG = Logger.getLogger(DecisionStream.class);
    public static final String CHANNEL = "gov:decisions";

    @Inject
    ReactiveRedisDataSource redis;

    private final BroadcastProcessor<DecisionRecord> local = BroadcastProcessor.create();
    private Cancellable subscription;

    void start(@Observes StartupEvent ignored) {
        subscription = redis.pubsub(String.class).subscribe(CHANNEL)
                .onFailure().invoke(e -> LOG.debugf("Decision stream subscription lost: %s", e.toString()))
                .onFailure().retry().withBackOff(Duration.ofMillis(500), Duration.ofSeconds(10)).indefinitely()
                .subscribe().with(this::relay);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (subscription != null) {
            subscription.cancel();
        }
    }

    /** Publishes decisions to every replica's subscribers, in one message; never fails the caller. */
    public void publishAll(List<DecisionRecord> decisions) {
        String json;
        try {
            json = EventJson.MAPPER.writeValueAsString(decisions);
        } catch (IOException e) {
            return;
        }
        redis.pubsub(String.class).publish(CHANNEL, json).subscribe().with(ok -> {
        }, e -> decisions.forEach(local::onNext));
    }

    /** Every decision from now on; subscribers filter. */
    public Multi<DecisionRecord> decisions() {
        return local;
    }

    private void relay(String json) {
        try {
            for (DecisionRecord d : EventJson.MAPPER.readValue(json, DecisionRecord[].class)) {
                local.onNext(d);
            }
        } catch (IOException e) {
            LOG.debugf("Unreadable decision on %s: %s", CHANNEL, e.getMessage());
        }
    }
}
