package io.agenttriggers.api.persistence;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code Idempotency-Key} claims per tenant (table {@code api.idempotency_keys}), as the IETF Idempotency-Key draft
 * describes: the first request claims the key with its run id and a hash of the request; a repeat within the window
 * learns the first run; a claim still publishing is {@code pending}. An expired claim is taken over.
 */
@ApplicationScoped
public class IdempotencyStore {

    /** The claim that was there first. */
    public record Claim(String runId, String requestHash, boolean pending) {
    }

    @Inject
    Pool pool;

    /** Empty when the key is ours now; otherwise the earlier claim. */
    public Uni<Optional<Claim>> claim(String tenantId, String key, String requestHash, String runId, Duration window) {
        return pool.preparedQuery("insert into api.idempotency_keys (tenant_id, idem_key, request_hash, run_id, state, "
                        + "expires_at) values ($1, $2, $3, $4, 'pending', now() + $5 * interval '1 millisecond') "
                        + "on conflict (tenant_id, idem_key) do update set request_hash = excluded.request_hash, "
                        + "run_id = excluded.run_id, state = 'pending', created_at = now(), "
                        + "expires_at = excluded.expires_at where api.idempotency_keys.expires_at < now() "
                        + "returning run_id")
                .execute(Tuple.of(tenantId, key, requestHash, UUID.fromString(runId), window.toMillis()))
                .chain(rows -> {
                    if (rows.size() > 0) {
                        return Uni.createFrom().item(Optional.<Claim>empty());
                    }
                    return existing(tenantId, key).chain(found -> found.isPresent()
                            ? Uni.createFrom().item(found)
                            // The earlier claim was released in between: try once more.
                            : claimOnce(tenantId, key, requestHash, runId, window));
                });
    }

    private Uni<Optional<Claim>> claimOnce(String tenantId, String key, String requestHash, String runId,
            Duration window) {
        return pool.preparedQuery("insert into api.idempotency_keys (tenant_id, idem_key, request_hash, run_id, state, "
                        + "expires_at) values ($1, $2, $3, $4, 'pending', now() + $5 * interval '1 millisecond') "
                        + "on conflict do nothing returning run_id")
                .execute(Tuple.of(tenantId, key, requestHash, UUID.fromString(runId), window.toMillis()))
                .chain(rows -> rows.size() > 0 ? Uni.createFrom().item(Optional.<Claim>empty())
                        : existing(tenantId, key));
    }

    private Uni<Optional<Claim>> existing(String tenantId, String key) {
        return pool.preparedQuery("select run_id, request_hash, state from api.idempotency_keys "
                        + "where tenant_id = $1 and idem_key = $2")
                .execute(Tuple.of(tenantId, key))
                .map(rows -> {
                    for (Row r : rows) {
                        return Optional.of(new Claim(r.getUUID("run_id").toString(), r.getString("request_hash"),
                                "pending".equals(r.getString("state"))));
                    }
                    return Optional.empty();
                });
    }

    /** The first request's event is durable: repeats now replay it. */
    public Uni<Void> accepted(String tenantId, String key) {
        return pool.preparedQuery("update api.idempotency_keys set state = 'accepted' where tenant_id = $1 "
                        + "and idem_key = $2")
                .execute(Tuple.of(tenantId, key))
                .replaceWithVoid();
    }

    /** Gives the key back when the event could not be made durable (only if the claim is still this run's). */
    public Uni<Void> release(String tenantId, String key, String runId) {
        return pool.preparedQuery("delete from api.idempotency_keys where tenant_id = $1 and idem_key = $2 "
                        + "and run_id = $3")
                .execute(Tuple.of(tenantId, key, UUID.fromString(runId)))
                .replaceWithVoid();
    }

    /** Deletes expired claims; returns how many. */
    public Uni<Integer> purgeExpired() {
        return pool.query("delete from api.idempotency_keys where expires_at < now()").execute()
                .map(rows -> rows.rowCount());
    }
}
