package io.agenttriggers.cron.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.cron.domain.ScheduleSpec;
import io.agenttriggers.cron.persistence.ScheduleStore;
import java.time.OffsetDateTime;
import java.util.List;

/** A schedule as the API shows it: its registration, firing state and, for a single read, its status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScheduleView(String id, @JsonUnwrapped ScheduleSpec spec, int version, String managedBy,
        String state, String pauseNote, OffsetDateTime nextFireAt, OffsetDateTime lastFireAt, String lastRunId,
        String lastRunStatus, OffsetDateTime bufferedFireAt, OffsetDateTime createdAt, OffsetDateTime updatedAt,
        List<String> nextFireTimes, JsonNode recentRuns) {

    static ScheduleView of(ScheduleStore.Stored s, List<String> nextFireTimes, JsonNode recentRuns) {
        return new ScheduleView(s.id(), s.spec(), s.version(), s.managedBy(), s.state(), s.pauseNote(), s.nextFireAt(),
                s.lastFireAt(), s.lastRunId(), s.lastRunStatus(), s.bufferedFireAt(), s.createdAt(), s.updatedAt(),
                nextFireTimes, recentRuns);
    }
}
