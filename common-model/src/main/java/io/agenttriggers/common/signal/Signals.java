package io.agenttriggers.common.signal;

import io.agenttriggers.common.event.KafkaSend;
import io.cloudevents.CloudEvent;
import io.smallrye.reactive.messaging.MutinyEmitter;
import org.jboss.logging.Logger;

/**
 * Publishes a signal without holding up the work that saw it: a signal is a hint for the tenants' alerts, so a broker
 * that cannot take it right now costs a log line, never a fire, a delivery or a run.
 */
public final class Signals {

    private static final Logger LOG = Logger.getLogger(Signals.class);

    private Signals() {
    }

    public static void publish(MutinyEmitter<CloudEvent> emitter, Signal signal, String producer) {
        try {
            KafkaSend.send(emitter, SignalCodec.toCloudEvent(signal, producer), SignalCodec.key(signal)).subscribe().with(x -> {
            }, e -> LOG.debugf("Signal %s of %s not published: %s", signal.kind(), signal.subject(), e.toString()));
        } catch (RuntimeException e) {
            // The emitter refuses when its buffer is full: the signal is dropped, the caller goes on.
            LOG.debugf("Signal %s of %s not published: %s", signal.kind(), signal.subject(), e.toString());
        }
    }
}
