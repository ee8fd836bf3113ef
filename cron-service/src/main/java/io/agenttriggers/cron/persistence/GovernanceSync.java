package io.agenttriggers.cron.persistence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.quota.TenantQuotaExceeded;
import io.agenttriggers.common.security.AuthConfig;
import io.agenttriggers.cron.client.GovernanceApi;
import io.agenttriggers.cron.domain.ScheduleSpec;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Keeps a schedule's {@code governance} block as a policy in governance-service (named {@code cron-{id}}, matching
 * the schedule's source, quota and budget keyed by source): created, updated, deleted with the schedule. The policy
 * id is kept on the schedule row. When governance cannot be reached the schedule change is refused (503), so the two
 * never silently disagree.
 */
@ApplicationScoped
public class GovernanceSync {

    @Inject
    @RestClient
    GovernanceApi api;

    @Inject
    AuthConfig auth;

    @Inject
    Pool pool;

    public Uni<Void> sync(String scheduleId, ScheduleSpec spec) {
        return policyId(scheduleId).chain(existing -> {
            if (spec.governance() == null || isEmpty(spec.governance())) {
                return existing == null ? Uni.createFrom().voidItem() : delete(scheduleId, existing);
            }
            String body = policy(scheduleId, spec).toString();
            Uni<Response> call = existing == null ? api.create(body, token()) : api.update(existing, body, token());
            return call.ifNoItem().after(Duration.ofSeconds(5)).fail()
                    .onFailure().transform(GovernanceSync::unavailable)
                    .chain(response -> {
                        try (response) {
                            int status = response.getStatus();
                            if (status == 404 && existing != null) {
                                // Deleted over there: create it again.
                                return setPolicyId(scheduleId, null).chain(() -> sync(scheduleId, spec));
                            }
                            if (status == 422 || status == 400) {
                                throw new ProblemException(422, "invalid_governance", "Invalid governance block",
                                        "governance-service refused the schedule's limits: "
                                                + response.readEntity(String.class));
                            }
                            if (status == 409) {
                                // The tenant's policy quota: the schedule's own policy counts towards it.
                                JsonNode problem = read(response.readEntity(String.class));
                                if (TenantQuotaExceeded.CODE.equals(problem.path("code").asText())) {
                                    throw new ProblemException(409, TenantQuotaExceeded.CODE,
                                            "Tenant quota exceeded", "governance-service refused the schedule's "
                                                    + "limits: " + problem.path("detail").asText());
                                }
                            }
                            if (status != 200 && status != 201) {
                                throw unavailable(new IllegalStateException("governance answered " + status));
                            }
                            JsonNode created = read(response.readEntity(String.class));
                            return setPolicyId(scheduleId, created.path("id").asText(existing));
                        }
                    });
        });
    }

    /** Deletes the schedule's policy, if any; call before the schedule row goes. */
    public Uni<Void> remove(String scheduleId) {
        return policyId(scheduleId).chain(existing -> existing == null ? Uni.createFrom().voidItem()
                : delete(scheduleId, existing));
    }

    private Uni<Void> delete(String scheduleId, String policyId) {
        return api.delete(policyId, token()).onFailure().transform(GovernanceSync::unavailable)
                .chain(response -> {
                    response.close();
                    return setPolicyId(scheduleId, null);
                });
    }

    static ObjectNode policy(String scheduleId, ScheduleSpec spec) {
        ObjectNode p = EventJson.MAPPER.createObjectNode();
        p.put("name", "cron-" + scheduleId);
        p.put("tenantId", spec.tenantId());
        p.put("description", "Limits of schedule " + scheduleId + " (kept by cron-service)");
        p.putObject("match").putArray("sources").add("/cron/" + scheduleId);
        ScheduleSpec.GovernanceSpec g = spec.governance();
        String zone = spec.timezone() == null ? "UTC" : spec.timezone();
        if (g.maxRunsPerDay() != null) {
            p.putObject("quota").put("maxRunsPerDay", g.maxRunsPerDay()).put("timezone", zone).put("key", "source");
        }
        if (g.maxCostPerDayUsd() != null) {
            p.putObject("budget").put("maxCostPerDayUsd", g.maxCostPerDayUsd()).put("timezone", zone)
                    .put("key", "source");
        }
        if (g.cooldown() != null) {
            p.put("cooldown", g.cooldown().toString());
        }
        return p;
    }

    private static boolean isEmpty(ScheduleSpec.GovernanceSpec g) {
        return g.cooldown() == null && g.maxRunsPerDay() == null && g.maxCostPerDayUsd() == null;
    }

    private Uni<String> policyId(String scheduleId) {
        return pool.preparedQuery("select policy_id from cron.schedules where id = $1")
                .execute(Tuple.of(UUID.fromString(scheduleId)))
                .map(rows -> rows.size() == 0 ? null : rows.iterator().next().getString("policy_id"));
    }

    private Uni<Void> setPolicyId(String scheduleId, String policyId) {
        return pool.preparedQuery("update cron.schedules set policy_id = $2 where id = $1")
                .execute(Tuple.of(UUID.fromString(scheduleId), policyId)).replaceWithVoid();
    }

    private String token() {
        return auth.adminToken().map(t -> "Bearer " + t).orElse(null);
    }

    private static JsonNode read(String body) {
        try {
            return EventJson.MAPPER.readTree(body);
        } catch (java.io.IOException e) {
            throw unavailable(e);
        }
    }

    private static ProblemException unavailable(Throwable e) {
        return e instanceof ProblemException p ? p : ProblemException.unavailable("governance_unavailable",
                "governance-service cannot take the schedule's limits right now; nothing was changed there", 5);
    }
}
