package io.agenttriggers.dispatcher.client;

import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.outbound.RefusedUrlException;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.net.UnknownHostException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Holds the agent runtime's URL to the {@link OutboundUrlPolicy} at startup: a runtime on a private, loopback or
 * link-local address must be listed in {@code triggers.outbound.allow}, or the dispatcher does not start. The URL is
 * the operator's, not a tenant's, so it is checked once here rather than before every call.
 */
@ApplicationScoped
public class RuntimeUrlCheck {

    static final String KEY = "quarkus.rest-client.agent-runtime.url";
    private static final Logger LOG = Logger.getLogger(RuntimeUrlCheck.class);

    @Inject
    OutboundUrlPolicy urls;

    // The REST client's own key (it is Quarkus' mapping, not ours), so it is read as a single property.
    @ConfigProperty(name = KEY)
    String url;

    void check(@Observes @Priority(1) StartupEvent ignored) {
        try {
            urls.checkResolved(urls.check(url));
        } catch (RefusedUrlException e) {
            String message = "The agent runtime URL " + url + " (" + KEY + ") " + e.getMessage() + ". If the "
                    + "runtime is meant to be there, add its host, address or CIDR block to triggers.outbound.allow "
                    + "(environment: TRIGGERS_OUTBOUND_ALLOW).";
            LOG.error(message);
            throw new IllegalStateException(message);
        } catch (UnknownHostException e) {
            // DNS may not know the runtime yet while a deployment comes up; the REST client reports it per call.
            LOG.warnf("The agent runtime host of %s (%s) does not resolve yet; its addresses were not checked", url,
                    KEY);
        }
    }
}
