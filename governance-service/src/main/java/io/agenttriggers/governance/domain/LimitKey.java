package io.agenttriggers.governance.domain;

import io.agenttriggers.common.event.TriggerEvent;
import java.util.Map;
import java.util.Set;

/**
 * Which bucket of a limit an event falls in. Built-in keys: {@code tenant}, {@code eventName} and {@code source}
 * (each within the event's tenant) and {@code policy} (one bucket for everything the policy matches); anything else
 * is a CEL expression, also within the tenant. So a tenant's traffic can never share a bucket with another tenant's
 * unless an administrator asks for it with {@code policy}.
 */
public final class LimitKey {

    public static final Set<String> BUILT_IN = Set.of("tenant", "eventName", "source", "policy");
    /** Longest key kept; longer CEL results are cut (they still separate buckets by their prefix). */
    static final int MAX_KEY = 300;

    private final String spec;
    private final EventCel expression;

    private LimitKey(String spec, EventCel expression) {
        this.spec = spec;
        this.expression = expression;
    }

    public static LimitKey of(String spec) {
        return new LimitKey(spec, BUILT_IN.contains(spec) ? null : EventCel.compile(spec, EventCel.Kind.KEY));
    }

    /** The bucket name for the event; throws {@link IllegalStateException} when a CEL key cannot be evaluated. */
    public String bucket(TriggerEvent event, Map<String, Object> activation) {
        String value = switch (spec) {
            case "tenant" -> event.tenantId();
            case "eventName" -> event.tenantId() + "/" + event.eventName();
            case "source" -> event.tenantId() + "/" + event.source();
            case "policy" -> "*";
            default -> event.tenantId() + "/=" + expression.key(activation);
        };
        return value.length() > MAX_KEY ? value.substring(0, MAX_KEY) : value;
    }

    /** Whether the key is an expression that may take long enough that it belongs off the event loop. */
    public boolean costly() {
        return expression != null && expression.costly();
    }

    public String spec() {
        return spec;
    }
}
