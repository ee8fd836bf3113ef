package io.agenttriggers.dispatcher.api;

import io.agenttriggers.common.event.RunIds;
import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.common.security.TenantScope;
import io.agenttriggers.dispatcher.messaging.RunEvents;
import io.agenttriggers.dispatcher.persistence.RunLedger;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Re-drives dead-lettered runs: each chosen run goes back to {@code queued} under the same run id (callers keep
 * following the id they have) and its stored event is published to {@code triggers.approved} again; it gets new
 * attempts and, when it ends, a new outcome. Dead-lettered runs are listed by {@code GET /api/v1/runs?status=dead_lettered}.
 */
@Path("/api/v1/dlq")
@Tag(name = "Dead letters")
@Produces(MediaType.APPLICATION_JSON)
public class DlqResource {

    static final int MAX_IDS = 100;

    @Inject
    RunLedger ledger;

    @Inject
    RunEvents events;

    @Inject
    SecurityIdentity identity;

    /** Which runs to re-drive. */
    public record ReplayRequest(List<String> runIds) {
    }

    /** A run that was not replayed, and why. */
    public record Skipped(String runId, String reason) {
    }

    /** What the replay did. */
    public record ReplayResult(List<String> replayed, List<Skipped> skipped) {
    }

    @POST
    @Path("replay")
    @RolesAllowed(Roles.ADMIN)
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Re-drive dead-lettered runs", description = "Body {\"runIds\": [...]} (1-100). Runs that "
            + "are not dead-lettered, unknown or outside the token's tenants are skipped with a reason.")
    public Uni<ReplayResult> replay(ReplayRequest request) {
        if (request == null || request.runIds() == null || request.runIds().isEmpty()
                || request.runIds().size() > MAX_IDS) {
            throw new ProblemException(422, "invalid_replay", "Invalid replay", "Send 1-" + MAX_IDS + " run ids",
                    List.of(new FieldError("runIds", "1-" + MAX_IDS + " run ids")));
        }
        List<String> replayed = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        return Multi.createFrom().iterable(new LinkedHashSet<>(request.runIds()))
                .onItem().transformToUniAndConcatenate(id -> replayOne(id, replayed, skipped))
                .collect().asList()
                .map(x -> new ReplayResult(replayed, skipped));
    }

    /** Longer than the replay producer's own delivery bound (delivery.timeout.ms), so a timeout means not sent. */
    static final java.time.Duration PUBLISH_TIMEOUT = java.time.Duration.ofSeconds(20);

    private Uni<Void> replayOne(String id, List<String> replayed, List<Skipped> skipped) {
        if (id == null || !RunIds.isRunId(id)) {
            skipped.add(new Skipped(id, "not a run id"));
            return Uni.createFrom().voidItem();
        }
        return ledger.find(id).chain(found -> {
            if (found.isEmpty() || !TenantScope.allows(identity, found.get().tenantId())) {
                skipped.add(new Skipped(id, "no such run"));
                return Uni.createFrom().voidItem();
            }
            return ledger.replayable(id).chain((Optional<RunLedger.Replayable> replayable) -> {
                if (replayable.isEmpty()) {
                    skipped.add(new Skipped(id, "not dead-lettered (status " + found.get().status().wire() + ")"));
                    return Uni.createFrom().voidItem();
                }
                // Published first; the ledger changes only when the dispatcher reads the durable event, so a failed
                // publish (or a crash here) leaves the run dead-lettered, replayable again, and two concurrent
                // replays, numbered alike, re-drive it once.
                return events.replay(replayable.get().event(), replayable.get().replay())
                        .ifNoItem().after(PUBLISH_TIMEOUT).fail()
                        .invoke(() -> replayed.add(id))
                        .onFailure().recoverWithItem(e -> {
                            skipped.add(new Skipped(id, "not replayed: the event could not be published ("
                                    + e.getClass().getSimpleName() + "); the run stays dead-lettered"));
                            return null;
                        });
            });
        });
    }
}
