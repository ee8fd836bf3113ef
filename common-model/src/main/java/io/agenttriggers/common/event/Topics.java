package io.agenttriggers.common.event;

/**
 * The Kafka topics of the event backbone. Each SmallRye channel is named after its topic, so these
 * constants are both the channel names used in {@code @Incoming}/{@code @Channel} and the default topic names.
 */
public final class Topics {
    /** Every trigger event from every ingress, before governance. */
    public static final String INBOUND = "triggers.inbound";
    /** Events governance approved; consumed by the agent-dispatcher. */
    public static final String APPROVED = "triggers.approved";
    /** Events governance rejected, with the reason in the {@code rejectreason} extension. */
    public static final String REJECTED = "triggers.rejected";
    /** One outcome event per terminal run state. */
    public static final String OUTCOMES = "triggers.outcomes";
    /** Events whose dispatch attempts were exhausted, with the attempt history. */
    public static final String DLQ = "triggers.dlq";

    /** What services saw that tenants' alert rules may want (cron misfires, verification failures, ...). */
    public static final String SIGNALS = "triggers.signals";

    /** All topics, in the order the local stack creates them. */
    public static final java.util.List<String> ALL = java.util.List.of(INBOUND, APPROVED, REJECTED, OUTCOMES, DLQ,
            SIGNALS);

    private Topics() {
    }
}
