package io.agenttriggers.governance.persistence;

import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.agenttriggers.governance.domain.CompiledPolicy.Check;
import io.agenttriggers.governance.domain.CompiledPolicy.Plan;
import io.agenttriggers.governance.domain.Keys;
import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.redis.client.Request;
import io.vertx.mutiny.redis.client.Response;
import io.vertx.mutiny.redis.client.Command;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Limits, counters, leases and breakers in Redis, changed only by two atomic scripts ({@code lua/decide.lua} and
 * {@code lua/feedback.lua}), so any number of replicas enforce one limit exactly. Scripts run by their SHA and are
 * re-sent when Redis has forgotten them (after a restart). Every call is bounded by
 * {@code triggers.governance.redis-timeout}; a failure surfaces as {@link Unavailable}.
 */
@ApplicationScoped
public class GovernanceState {

    public static final String DECIDE = script("lua/decide.lua");
    public static final String FEEDBACK = script("lua/feedback.lua");
    static final String DECIDE_SHA = sha1(DECIDE);
    static final String FEEDBACK_SHA = sha1(FEEDBACK);

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    io.vertx.mutiny.redis.client.Redis client;

    @Inject
    GovernanceConfig config;

    /** Redis could not be reached or did not answer in time. */
    public static class Unavailable extends RuntimeException {
        public Unavailable(Throwable cause) {
            super("Redis is unavailable: " + cause.getMessage(), cause, false, false);
        }
    }

    /**
     * The script's answer.
     *
     * @param approved    every check passed (and, when committed, consumed)
     * @param check       the failing check's index in the plan, when rejected
     * @param reason      the failing check's rejection reason (wire form)
     * @param retryAfterMs when the rejection may clear
     * @param repeated    the run was decided before; the answer is that decision's, and nothing was consumed again
     */
    public record Answer(boolean approved, int check, String reason, long retryAfterMs, boolean repeated) {
    }

    /**
     * Evaluates the plan's checks; with {@code commit} they consume and the decision is remembered per run (a
     * redelivered event gets the same answer without consuming twice), without it nothing changes.
     */
    public Uni<Answer> decide(String runId, Plan plan, boolean commit, long nowMillis) {
        return eval(DECIDE, DECIDE_SHA, decideArgs(runId, plan, commit, nowMillis, config.decisionMemory().toMillis(),
                config.concurrencyLease().plusDays(1).toMillis())).map(GovernanceState::answer);
    }

    /** One event's script call. */
    public record Call(String runId, Plan plan, boolean commit) {
    }

    /**
     * Runs many decide scripts in one pipelined round trip (each script stays atomic on its own); answers them in
     * order. Redis' own clock decides.
     */
    public Uni<List<Answer>> decideAll(List<Call> calls) {
        List<Request> requests = new ArrayList<>(calls.size());
        for (Call c : calls) {
            Request r = Request.cmd(Command.EVALSHA).arg(DECIDE_SHA);
            for (String a : decideArgs(c.runId(), c.plan(), c.commit(), 0, config.decisionMemory().toMillis(),
                    config.concurrencyLease().plusDays(1).toMillis())) {
                r.arg(a);
            }
            requests.add(r);
        }
        Uni<List<Response>> batch = client.batch(requests)
                .onFailure(e -> String.valueOf(e.getMessage()).contains("NOSCRIPT"))
                .recoverWithUni(() -> client.send(Request.cmd(Command.SCRIPT).arg("LOAD").arg(DECIDE))
                        .chain(loaded -> client.batch(requests)));
        return batch.ifNoItem().after(config.redisTimeout().multipliedBy(Math.max(1, calls.size() / 100 + 1))).fail()
                .onFailure().transform(e -> e instanceof Unavailable ? e : new Unavailable(e))
                .map(responses -> responses.stream().map(GovernanceState::answer).toList());
    }

    /** The arguments of {@code decide.lua} after the script: the key count, the keys, then ARGV. */
    public static List<String> decideArgs(String runId, Plan plan, boolean commit, long nowMillis, long memoryMillis,
            long feedbackTtlMillis) {
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(plan.checks.size() + 2));
        args.add(Keys.decided(runId));
        args.add(Keys.feedback(runId));
        for (Check c : plan.checks) {
            args.add(c.key());
        }
        args.add(Long.toString(nowMillis));
        args.add(commit ? "1" : "0");
        args.add(Long.toString(memoryMillis));
        args.add(plan.feedback.isEmpty() ? "" : json(plan.feedback));
        args.add(Long.toString(feedbackTtlMillis));
        args.add(runId);
        args.add(Integer.toString(plan.checks.size()));
        for (Check c : plan.checks) {
            args.add(c.kind());
            args.add(c.p1());
            args.add(c.p2());
            args.add(c.p3());
        }
        return args;
    }

    public static Answer answer(Response r) {
        String kind = r.get(0).toString();
        if ("A".equals(kind)) {
            return new Answer(true, -1, null, 0, false);
        }
        if ("R".equals(kind)) {
            return new Answer(false, r.get(1).toInteger() - 1, r.get(2).toString(), r.get(3).toLong(), false);
        }
        // "D": the marker of an earlier decision, "A" or "R|check|reason|retryAfterMs".
        String marker = r.get(1).toString();
        if ("A".equals(marker)) {
            return new Answer(true, -1, null, 0, true);
        }
        String[] parts = marker.split("\\|");
        return new Answer(false, Integer.parseInt(parts[1]) - 1, parts[2], Long.parseLong(parts[3]), true);
    }

    /** A breaker that changed state because of an outcome. */
    public record Transition(String key, String state) {
    }

    /**
     * Feeds a run's outcome back into what its approval touched; applied once per run. {@code outcomeClass} is
     * {@code ok}, {@code fail} or {@code none} (neither: a duplicate, a rejection).
     */
    public Uni<List<Transition>> feedback(String runId, String outcomeClass, double costUsd, long nowMillis) {
        return eval(FEEDBACK, FEEDBACK_SHA, feedbackArgs(runId, outcomeClass, costUsd, nowMillis,
                config.decisionMemory().toMillis())).map(GovernanceState::transitions);
    }

    /** The arguments of {@code feedback.lua} after the script. */
    public static List<String> feedbackArgs(String runId, String outcomeClass, double costUsd, long nowMillis,
            long memoryMillis) {
        return List.of("2", Keys.feedback(runId), Keys.applied(runId), Long.toString(nowMillis), runId, outcomeClass,
                java.math.BigDecimal.valueOf(Math.max(0, costUsd)).toPlainString(), Long.toString(memoryMillis));
    }

    public static List<Transition> transitions(Response r) {
        List<Transition> out = new ArrayList<>();
        for (int i = 0; i + 1 < r.size(); i += 2) {
            out.add(new Transition(r.get(i).toString(), r.get(i + 1).toString()));
        }
        return out;
    }

    /** Runs a raw Redis command with the same bound and failure mapping, for the dashboards' readers. */
    public Uni<Response> command(String command, String... args) {
        return bounded(redis.execute(command, args));
    }

    private Uni<Response> eval(String script, String sha, List<String> args) {
        String[] withSha = new String[args.size() + 1];
        String[] withScript = new String[args.size() + 1];
        withSha[0] = sha;
        withScript[0] = script;
        for (int i = 0; i < args.size(); i++) {
            withSha[i + 1] = args.get(i);
            withScript[i + 1] = args.get(i);
        }
        return bounded(redis.execute("EVALSHA", withSha)
                .onFailure(e -> String.valueOf(e.getMessage()).contains("NOSCRIPT"))
                .recoverWithUni(() -> redis.execute("EVAL", withScript)));
    }

    private Uni<Response> bounded(Uni<Response> call) {
        return call.ifNoItem().after(config.redisTimeout()).fail()
                .onFailure().transform(e -> e instanceof Unavailable ? e : new Unavailable(e));
    }

    private static String json(Object value) {
        try {
            return EventJson.MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String script(String resource) {
        try (InputStream in = GovernanceState.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha1(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
