package io.agenttriggers.cron.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.AuthConfig;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.time.temporal.ChronoUnit;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Reads a schedule's runs from the ledger with the service's own token (the caller was already checked here);
 * a failing ledger is a 503 problem.
 */
@ApplicationScoped
public class LedgerClient {

    @Inject
    @RestClient
    LedgerApi api;

    @Inject
    AuthConfig auth;

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<JsonNode> runs(String scheduleId, Integer limit, String cursor) {
        return api.list("/cron/" + scheduleId, limit, cursor, token()).map(LedgerClient::json)
                .onFailure(e -> !(e instanceof ProblemException)).transform(LedgerClient::unavailable);
    }

    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<JsonNode> stats(String scheduleId) {
        return api.stats("/cron/" + scheduleId, token()).map(LedgerClient::json)
                .onFailure(e -> !(e instanceof ProblemException)).transform(LedgerClient::unavailable);
    }

    private String token() {
        return auth.adminToken().map(t -> "Bearer " + t).orElse(null);
    }

    private static JsonNode json(Response response) {
        try (response) {
            if (response.getStatus() == 400) {
                throw ProblemException.badRequest("invalid_cursor", "The cursor is not one this list handed out");
            }
            if (response.getStatus() != 200) {
                throw ProblemException.unavailable("ledger_unavailable", "The run ledger answered "
                        + response.getStatus(), 2);
            }
            return EventJson.MAPPER.readTree(response.readEntity(String.class));
        } catch (java.io.IOException e) {
            throw ProblemException.unavailable("ledger_unavailable", "The run ledger answered malformed JSON", 2);
        }
    }

    private static Throwable unavailable(Throwable e) {
        return ProblemException.unavailable("ledger_unavailable", "The run ledger cannot be read right now", 2);
    }
}
