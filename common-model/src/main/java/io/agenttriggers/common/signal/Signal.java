package io.agenttriggers.common.signal;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Objects;

/**
 * Something a service saw that a tenant may want to be told about but that is not a run: published to
 * {@code triggers.signals} (schema {@code schemas/signal.schema.json}) for the tenants' alert rules.
 *
 * @param kind     one of {@link #KINDS}
 * @param tenantId the tenant concerned; null for the whole installation (the agent runtime's breaker)
 * @param subject  what it is about, in the terms of an event's source: {@code /cron/{id}}, a webhook endpoint's
 *                 source, or the dispatcher replica for the runtime breaker
 * @param name     the event name of the trigger concerned, if it has one
 * @param count    how many times it happened since the last signal of the same subject (at least 1)
 * @param detail   a sentence for people (a reason code, the error), if any
 * @param at       when it was seen (the last time, for a count)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Signal(String kind, String tenantId, String subject, String name, long count, String detail,
        OffsetDateTime at) {

    /** Fire times a schedule missed by more than the misfire threshold (its misfire policy applied). */
    public static final String CRON_MISFIRE = "cron.misfire";
    /** A schedule that cannot be planned any more (its expression or time zone fails) and was stopped. */
    public static final String CRON_UNPLANNABLE = "cron.unplannable";
    /** Deliveries to a webhook endpoint refused for their credentials (signature, token, timestamp). */
    public static final String WEBHOOK_VERIFICATION_FAILED = "webhook.verification_failed";
    /** The dispatcher's runtime breaker opened: it paused consuming approved events. */
    public static final String RUNTIME_PAUSED = "runtime.paused";
    /** The dispatcher's runtime breaker closed again: consumption resumed. */
    public static final String RUNTIME_RESUMED = "runtime.resumed";
    public static final List<String> KINDS = List.of(CRON_MISFIRE, CRON_UNPLANNABLE, WEBHOOK_VERIFICATION_FAILED,
            RUNTIME_PAUSED, RUNTIME_RESUMED);

    /** Longest detail kept: a signal is a hint for a notification, not a log line. */
    public static final int MAX_DETAIL = 500;

    public Signal {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(at, "at");
        if (!KINDS.contains(kind)) {
            throw new IllegalArgumentException("unknown signal kind " + kind);
        }
        if (count < 1) {
            throw new IllegalArgumentException("a signal counts at least one occurrence");
        }
        if (detail != null && detail.length() > MAX_DETAIL) {
            detail = detail.substring(0, MAX_DETAIL);
        }
    }

    /** Whether it concerns every tenant (the installation's agent runtime) rather than one. */
    public boolean installationWide() {
        return tenantId == null;
    }
}
