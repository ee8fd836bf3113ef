package io.agenttriggers.common.sync;

import io.agenttriggers.common.problem.ProblemMappers;
import io.agenttriggers.common.run.RunOutcome;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a waiting (sync) caller is answered (SPEC §4, api-gateway): 200 with the result; 408 when the wait times out
 * (the run goes on); governance rejections 403 (denied), 429 (rate, concurrency, cooldown) or 503 (quota, budget,
 * open circuit, governance unavailable), with Retry-After where it applies; a failed run 502. Location headers are
 * set as written: {@code ResponseBuilder.location} resolves against the current request, which is not there when the
 * answer is built on the thread an outcome or a timeout arrived on (without context propagation).
 */
public final class SyncAnswers {

    private SyncAnswers() {
    }

    public static Response of(RunOutcome outcome) {
        URI location = URI.create("/api/v1/runs/" + outcome.runId());
        return switch (outcome.status()) {
            case SUCCEEDED, FALLBACK_SUCCEEDED -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("runId", outcome.runId());
                body.put("status", outcome.status().wire());
                body.put("result", outcome.result());
                yield Response.ok(body).header("Location", location.toString()).build();
            }
            case DUPLICATE -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("runId", outcome.runId());
                body.put("status", "duplicate");
                body.put("originalRunId", outcome.originalRunId());
                yield Response.ok(body).header("Location", "/api/v1/runs/" + outcome.originalRunId()).build();
            }
            case REJECTED -> rejected(outcome);
            default -> ProblemMappers.respond(502, "run_failed", "Bad gateway", "Run " + outcome.runId() + " ended "
                    + outcome.status().wire() + (outcome.error() == null ? "" : ": " + outcome.error()), (String) null,
                    List.of(), Map.of("Location", location.toString()));
        };
    }

    public static Response timeout(String runId) {
        return Response.status(408).entity(Map.of("runId", runId, "status", "timeout"))
                .header("Location", "/api/v1/runs/" + runId).build();
    }

    private static Response rejected(RunOutcome outcome) {
        String reason = outcome.reason() == null ? "denied" : outcome.reason();
        int status = switch (reason) {
            case "denied" -> 403;
            case "rate_limited", "concurrency_limited", "cooldown" -> 429;
            default -> 503;
        };
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Location", "/api/v1/runs/" + outcome.runId());
        if (outcome.retryAfter() != null) {
            headers.put("Retry-After", Long.toString(Math.max(1, outcome.retryAfter().toSeconds())));
        } else if (status != 403) {
            headers.put("Retry-After", "1");
        }
        return ProblemMappers.respond(status, reason, status == 403 ? "Forbidden" : status == 429
                ? "Too many requests" : "Service unavailable", "Governance rejected run " + outcome.runId() + ": "
                + reason + (outcome.error() == null ? "" : " (" + outcome.error() + ")"), (String) null, List.of(),
                headers);
    }
}
