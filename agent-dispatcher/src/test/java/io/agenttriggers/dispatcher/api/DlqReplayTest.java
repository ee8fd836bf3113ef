package io.agenttriggers.dispatcher.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.common.run.RunStatus;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.dispatcher.domain.RunRecord;
import io.agenttriggers.dispatcher.messaging.RunEvents;
import io.agenttriggers.dispatcher.persistence.RunLedger;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.smallrye.mutiny.Uni;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/** A replay is published before anything changes: one whose event cannot be made durable leaves the run as it was. */
class DlqReplayTest {

    static TriggerEvent event(String tenant) {
        return TriggerEvent.builder(TriggerType.API, "/api/hello", "hello", tenant)
                .data(TriggerData.of(JsonNodeFactory.instance.objectNode())).build();
    }

    static RunRecord deadLettered(TriggerEvent e) {
        return new RunRecord(e.id(), e.tenantId(), e.eventName(), "api", e.source(), null, e.id(), RunStatus.DEAD_LETTERED,
                "x", null, null, null, null, null, 0, 3, null, null, null, null, null, null, null, List.of(), true);
    }

    /** Two dead-lettered runs, replayed once before (so their next replay is number 2). */
    static final class Ledger extends RunLedger {
        final List<TriggerEvent> runs;

        Ledger(List<TriggerEvent> runs) {
            this.runs = runs;
        }

        int index(String id) {
            for (int i = 0; i < runs.size(); i++) {
                if (runs.get(i).id().equals(id)) {
                    return i;
                }
            }
            return -1;
        }

        @Override
        public Uni<Optional<RunRecord>> find(String runId) {
            int i = index(runId);
            return Uni.createFrom().item(i < 0 ? Optional.empty() : Optional.of(DlqReplayTest.deadLettered(runs.get(i))));
        }

        @Override
        public Uni<Optional<Replayable>> replayable(String runId) {
            int i = index(runId);
            return Uni.createFrom().item(i < 0 ? Optional.empty() : Optional.of(new Replayable(runs.get(i), 2)));
        }

        @Override
        public Uni<Void> resumeReplay(String runId, int replay) {
            throw new AssertionError("the replay API must not change the run; the consumer does");
        }
    }

    @Test
    void aReplayIsPublishedFirstAndOneThatCannotBeLeavesTheRunAsItWasWhileTheOthersGoOn() {
        TriggerEvent failing = event("acme");
        TriggerEvent fine = event("acme");
        Ledger ledger = new Ledger(List.of(failing, fine));
        List<String> published = new ArrayList<>();
        DlqResource resource = new DlqResource();
        resource.ledger = ledger;
        resource.events = new RunEvents() {
            @Override
            public Uni<Void> replay(TriggerEvent event, int replay) {
                if (event.id().equals(failing.id())) {
                    return Uni.createFrom().failure(new TimeoutException("broker away"));
                }
                published.add(event.id() + "#" + replay);
                return Uni.createFrom().voidItem();
            }
        };
        resource.identity = QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal("admin"))
                .addRole(Roles.ADMIN).addAttribute(Roles.TENANTS_ATTRIBUTE, Set.of("*")).build();

        DlqResource.ReplayResult result = resource.replay(new DlqResource.ReplayRequest(
                List.of(failing.id(), fine.id()))).await().atMost(Duration.ofSeconds(5));

        assertThat(result.replayed()).containsExactly(fine.id());
        assertThat(result.skipped()).singleElement().satisfies(s -> {
            assertThat(s.runId()).isEqualTo(failing.id());
            assertThat(s.reason()).contains("could not be published").contains("stays dead-lettered");
        });
        // Numbered after the run's earlier replay; the ledger was not touched (resumeReplay would have failed).
        assertThat(published).containsExactly(fine.id() + "#2");
    }
}
