package io.agenttriggers.governance.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.run.RunOutcome;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.security.AuthConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Reads a tenant's finished runs of a time range from the ledger, newest first in pages, up to a bound, with the
 * service's own token (the caller was already checked here). A failing ledger is a 503 problem.
 */
@ApplicationScoped
public class LedgerClient {

    static final int PAGE = 500;
    private static final Duration PAGE_TIMEOUT = Duration.ofSeconds(10);

    /** The finished runs read, oldest first, and whether older runs of the range were left unread. */
    public record Runs(List<RunOutcome> outcomes, int read, boolean truncated) {
    }

    @Inject
    @RestClient
    LedgerApi api;

    @Inject
    AuthConfig auth;

    public Uni<Runs> finished(String tenantId, Instant from, Instant to, int maxRuns) {
        return page(tenantId, from, to, null, new ArrayList<>(), maxRuns);
    }

    private Uni<Runs> page(String tenantId, Instant from, Instant to, String cursor, List<JsonNode> read,
            int maxRuns) {
        int limit = Math.min(PAGE, maxRuns - read.size());
        return api.list(tenantId, from.toString(), to.toString(), limit, cursor, token())
                .ifNoItem().after(PAGE_TIMEOUT).fail()
                .map(LedgerClient::json)
                .onFailure(e -> !(e instanceof ProblemException)).transform(LedgerClient::unavailable)
                .chain(page -> {
                    page.path("items").forEach(read::add);
                    String next = page.path("nextCursor").isTextual() ? page.get("nextCursor").asText() : null;
                    if (next != null && read.size() < maxRuns) {
                        return page(tenantId, from, to, next, read, maxRuns);
                    }
                    List<RunOutcome> outcomes = new ArrayList<>(read.size());
                    for (JsonNode run : read) {
                        RunOutcome outcome = outcome(run);
                        if (outcome != null) {
                            outcomes.add(outcome);
                        }
                    }
                    Collections.reverse(outcomes);
                    return Uni.createFrom().item(new Runs(outcomes, read.size(), next != null));
                });
    }

    /** A ledger run as the outcome it ended with; null while it has not finished. */
    static RunOutcome outcome(JsonNode run) {
        RunStatus status;
        try {
            status = RunStatus.fromWire(run.path("status").asText());
        } catch (IllegalArgumentException e) {
            return null;
        }
        if (!status.isTerminal() || !run.hasNonNull("finishedAt") || !run.hasNonNull("runId")
                || !run.hasNonNull("tenantId") || !run.hasNonNull("eventName")) {
            return null;
        }
        JsonNode d = run.get("duration");
        Duration duration = d == null || d.isNull() ? null
                : d.isNumber() ? Duration.ofNanos((long) (d.asDouble() * 1e9)) : Duration.parse(d.asText());
        return new RunOutcome(run.get("runId").asText(), run.get("tenantId").asText(), run.get("eventName").asText(),
                text(run, "triggerType"), status, text(run, "reason"), text(run, "decisionMode"), null,
                text(run, "error"), null, 0, run.path("attempts").asInt(0), duration, text(run, "originalRunId"), null,
                OffsetDateTime.parse(run.get("finishedAt").asText()), text(run, "source"), text(run, "workflowId"));
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private String token() {
        return auth.adminToken().map(t -> "Bearer " + t).orElse(null);
    }

    private static JsonNode json(Response response) {
        try (response) {
            if (response.getStatus() != 200) {
                throw ProblemException.unavailable("ledger_unavailable", "The run ledger answered "
                        + response.getStatus(), 2);
            }
            return EventJson.MAPPER.readTree(response.readEntity(String.class));
        } catch (IOException e) {
            throw ProblemException.unavailable("ledger_unavailable", "The run ledger answered malformed JSON", 2);
        }
    }

    private static Throwable unavailable(Throwable e) {
        return ProblemException.unavailable("ledger_unavailable", "The run ledger cannot be read right now", 2);
    }
}
