package io.agenttriggers.governance.persistence;

import io.agenttriggers.governance.domain.Keys;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Response;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Circuit breakers as dashboards see them (read from Redis), their manual reset, and the state gauge
 * {@code governance_circuit_state{circuit}} (0 closed, 1 half-open, 2 open) per breaker this replica has seen.
 */
@ApplicationScoped
public class Circuits {

    /** Most breakers one listing reads. */
    static final int MAX_SCAN = 10_000;

    @Inject
    GovernanceState state;

    @Inject
    MeterRegistry registry;

    private final Map<String, AtomicInteger> gauges = new ConcurrentHashMap<>();

    /**
     * One breaker.
     *
     * @param key      {@code policyId:bucket}, as the reset endpoint takes it
     * @param state    {@code closed}, {@code open} or {@code half_open} (an open breaker whose time is up reads
     *                 {@code half_open}: the next event is a probe)
     * @param openUntil when an open breaker lets probes through
     * @param opened   how often it opened
     */
    public record Circuit(String key, String policyId, String bucket, String state, OffsetDateTime openUntil,
            OffsetDateTime since, int probesInFlight, long opened) {
    }

    /** Breakers with state, of the given policies (null: all), at most {@link #MAX_SCAN}. */
    public Uni<List<Circuit>> list(java.util.function.Predicate<String> policyVisible) {
        return indexed().chain(keys -> {
            List<String> visible = keys.stream().filter(k -> policyVisible.test(policyOf(k))).sorted().toList();
            if (visible.isEmpty()) {
                return Uni.createFrom().item(List.of());
            }
            List<Uni<Circuit>> reads = visible.stream().map(this::read).toList();
            return Uni.join().all(reads).andFailFast().map(all -> all.stream()
                    .filter(java.util.Objects::nonNull).toList());
        });
    }

    /** Breakers come from an index the feedback script keeps, never from a scan of the keyspace. */
    private Uni<List<String>> indexed() {
        return state.command("SRANDMEMBER", Keys.BREAKER_INDEX, Integer.toString(MAX_SCAN)).map(members -> {
            List<String> keys = new ArrayList<>();
            members.forEach(m -> keys.add(m.toString()));
            return keys;
        });
    }

    private Uni<Circuit> read(String redisKey) {
        return state.command("HMGET", redisKey, "state", "until", "since", "probes", "opened").map(r -> {
            if (r == null || r.get(0) == null) {
                // Reset or never opened and expired: drop it from the index.
                state.command("SREM", Keys.BREAKER_INDEX, redisKey).subscribe().with(x -> {
                }, e -> {
                });
                return null;
            }
            String st = field(r, 0, "closed");
            long until = (long) Double.parseDouble(field(r, 1, "0"));
            long since = (long) Double.parseDouble(field(r, 2, "0"));
            long now = System.currentTimeMillis();
            String shown = switch (st) {
                case "open" -> now >= until ? "half_open" : "open";
                case "half" -> "half_open";
                default -> "closed";
            };
            String key = redisKey.substring((Keys.PREFIX + "cb:").length());
            int colon = key.indexOf(':');
            observed(redisKey, st);
            return new Circuit(key, key.substring(0, colon), key.substring(colon + 1), shown,
                    "open".equals(st) ? time(until) : null, since == 0 ? null : time(since),
                    "half".equals(st) ? Integer.parseInt(field(r, 3, "0")) : 0,
                    Long.parseLong(field(r, 4, "0")));
        });
    }

    /** Closes the breaker and forgets its window; false when there is no such breaker. */
    public Uni<Boolean> reset(String key) {
        String redisKey = Keys.PREFIX + "cb:" + key;
        int colon = key.indexOf(':');
        if (colon < 1) {
            return Uni.createFrom().item(false);
        }
        String policy = key.substring(0, colon);
        String bucket = key.substring(colon + 1);
        return state.command("EXISTS", redisKey).chain(exists -> exists.toInteger() == 0
                ? Uni.createFrom().item(false)
                : state.command("DEL", redisKey, Keys.breakerWindow(policy, bucket, "all"),
                        Keys.breakerWindow(policy, bucket, "fail")).chain(x -> state.command("SREM",
                                Keys.BREAKER_INDEX, redisKey)).map(x -> {
                            observed(redisKey, "closed");
                            return true;
                        }));
    }

    /** Updates the state gauge of a breaker (Redis key) after a transition this replica saw. */
    public void observed(String redisKey, String rawState) {
        int value = switch (rawState) {
            case "open" -> 2;
            case "half", "half_open" -> 1;
            default -> 0;
        };
        String circuit = redisKey.startsWith(Keys.PREFIX + "cb:") ? redisKey.substring((Keys.PREFIX + "cb:").length())
                : redisKey;
        gauges.computeIfAbsent(circuit, c -> {
            AtomicInteger holder = new AtomicInteger();
            Gauge.builder("governance_circuit_state", holder, AtomicInteger::get)
                    .description("Circuit breaker state: 0 closed, 1 half-open, 2 open")
                    .tag("circuit", c).register(registry);
            return holder;
        }).set(value);
    }

    public static String policyOf(String redisKey) {
        String key = redisKey.substring((Keys.PREFIX + "cb:").length());
        int colon = key.indexOf(':');
        return colon < 0 ? key : key.substring(0, colon);
    }

    private static String field(Response values, int index, String fallback) {
        Response v = values.get(index);
        return v == null ? fallback : v.toString();
    }

    private static OffsetDateTime time(long millis) {
        return OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }
}
