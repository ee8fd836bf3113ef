package io.agenttriggers.queue.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.agenttriggers.queue.config.SourceSpec;
import io.agenttriggers.queue.source.SourceRunner;
import io.agenttriggers.queue.source.SourceStats;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/** A source as the API shows it: what it reads, how, its state and counters. Never a credential. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SourceView(
        String name,
        String type,
        String address,
        String state,
        boolean paused,
        String format,
        int concurrency,
        String eventName,
        String tenantId,
        String workflowId,
        String dedupKey,
        String onParseError,
        String deadLetter,
        Long backlog,
        Counters counters,
        OffsetDateTime lastMessageAt,
        String lastError,
        List<Failure> recentFailures) {

    /** Since this replica started. */
    public record Counters(long consumed, long published, long parseFailures, long deadLettered, long retries,
            long dedupKeysExtracted, int inFlight) {
    }

    public record Failure(OffsetDateTime at, String messageId, String reason, String action) {
    }

    static SourceView of(SourceRunner runner, boolean withFailures) {
        SourceSpec s = runner.spec();
        SourceStats st = runner.stats();
        long backlog = st.backlogCount();
        return new SourceView(s.name(), s.type().name().toLowerCase(), runner.address(),
                runner.state().name().toLowerCase(), runner.paused(), s.formatOrDefault().name().toLowerCase(),
                s.concurrencyOrDefault(), s.eventName().describe(), s.tenantId().describe(),
                s.workflowId(),
                s.dedupKey() == null ? "message id" : s.dedupKey().describe(),
                s.onParseErrorOrDefault().name().toLowerCase().replace('_', '-'), s.deadLetterOrDefault(),
                backlog < 0 ? null : backlog,
                new Counters(st.consumedCount(), st.publishedCount(), st.parseFailureCount(), st.deadLetteredCount(),
                        st.retryCount(), st.dedupExtractedCount(), st.inFlightCount()),
                time(st.lastMessageAt()), runner.lastError(),
                withFailures ? st.recentFailures().stream().map(f -> new Failure(time(f.at()), f.messageId(),
                        f.reason(), f.action())).toList() : null);
    }

    private static OffsetDateTime time(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
