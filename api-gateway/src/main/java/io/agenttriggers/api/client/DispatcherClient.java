package io.agenttriggers.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.problem.ProblemException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/** Reads runs from the dispatcher; a missing run is an empty answer, a failing dispatcher a 503 problem. */
@ApplicationScoped
public class DispatcherClient {

    @Inject
    @RestClient
    DispatcherRunsApi api;

    /** The run as the dispatcher's JSON, or empty when the dispatcher has not recorded it. */
    @Timeout(value = 5, unit = ChronoUnit.SECONDS)
    public Uni<Optional<JsonNode>> run(String runId, String authorization) {
        return api.get(runId, authorization)
                .onFailure().transform(e -> e instanceof ProblemException ? e
                        : ProblemException.unavailable("dispatcher_unavailable",
                                "The run ledger cannot be read right now", 2))
                .map(response -> {
                    try (response) {
                        int status = response.getStatus();
                        if (status == 404) {
                            return Optional.<JsonNode>empty();
                        }
                        if (status == 401 || status == 403) {
                            throw new ProblemException(status, status == 401 ? "unauthorized" : "forbidden",
                                    status == 401 ? "Unauthorized" : "Forbidden",
                                    "The run ledger refused the caller's token");
                        }
                        if (status != 200) {
                            throw ProblemException.unavailable("dispatcher_unavailable",
                                    "The run ledger answered " + status, 2);
                        }
                        return Optional.of(readJson(response.readEntity(String.class)));
                    }
                });
    }

    private static JsonNode readJson(String body) {
        try {
            return EventJson.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw ProblemException.unavailable("dispatcher_unavailable", "The run ledger answered malformed JSON", 2);
        }
    }
}
