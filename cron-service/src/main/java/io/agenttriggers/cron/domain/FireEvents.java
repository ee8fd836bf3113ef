package io.agenttriggers.cron.domain;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

/** The trigger event of one fire of a schedule, however it was caused (its time, a backfill, a person). */
public final class FireEvents {

    private FireEvents() {
    }

    /** The source of a schedule's events, and of its runs in the ledger. */
    public static String source(String scheduleId) {
        return "/cron/" + scheduleId;
    }

    /**
     * {@code kind}: {@code schedule}, {@code backfill} or {@code manual}. The dedup key is the schedule and the
     * nominal fire time, so a fire emitted twice (a crash before the advance was stored) runs once; manual fires get
     * one of their own (they are extra runs, not the schedule's fire time).
     */
    public static TriggerEvent of(String scheduleId, ScheduleSpec spec, Instant nominal, JsonNode payload,
            String kind) {
        String id = RunIds.next();
        String dedup = "manual".equals(kind) ? "cron:" + scheduleId + ":manual:" + id
                : "cron:" + scheduleId + ":" + nominal;
        return TriggerEvent.builder(TriggerType.CRON, source(scheduleId), spec.eventName(), spec.tenantId())
                .id(id)
                .time(nominal.atOffset(ZoneOffset.UTC))
                .dedupKey(dedup)
                .focus(spec.focus())
                .workflowId(spec.workflowId())
                .data(new TriggerData(payload != null ? payload : spec.payload(), Map.of("x-schedule-id", scheduleId,
                        "x-fire-kind", kind, "x-fire-time", nominal.toString()), spec.options()))
                .build();
    }
}
