package io.agenttriggers.common.event;

import java.util.List;

/** CloudEvent extension attribute names (lowercase alphanumeric, at most 20 characters, per CloudEvents 1.0). */
public final class Extensions {
    public static final String TENANT_ID = "tenantid";
    public static final String DEDUP_KEY = "dedupkey";
    public static final String FOCUS = "focus";
    public static final String RESPONSE_MODE = "responsemode";
    public static final String DEADLINE = "deadline";
    public static final String PARTITION_KEY = "partitionkey";
    public static final String TRACEPARENT = "traceparent";
    /** The deployed workflow an event belongs to (absent for triggers outside a deployment). */
    public static final String WORKFLOW_ID = "workflowid";
    /** On outcome events: the run the outcome belongs to. */
    public static final String RUN_ID = "runid";
    /** On outcome events: the originating event's trigger type, so a consumer can skip others' outcomes undecoded. */
    public static final String TRIGGER_TYPE = "triggertype";

    public static final List<String> ALL = List.of(TENANT_ID, DEDUP_KEY, FOCUS, RESPONSE_MODE, DEADLINE,
            PARTITION_KEY, TRACEPARENT, WORKFLOW_ID, RUN_ID, TRIGGER_TYPE);

    private Extensions() {
    }
}
