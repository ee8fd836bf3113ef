package io.agenttriggers.cron.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides what a due schedule emits now and where it goes next: the misfire policy for fire times that passed during
 * downtime, the overlap policy while the previous run is still going, endAt, and the jittered due time. Pure: the
 * same state and clock give the same plan on every replica.
 */
public final class FirePlanner {

    /** Most fire times one catch-up round emits; the rest follow in the next rounds. */
    public static final int MAX_CATCH_UP_PER_ROUND = 1000;

    /** What the planner needs to know about a schedule. */
    public record State(String id, CronExpression cron, int jitterSeconds, OverlapPolicy overlap,
            MisfirePolicy misfire, Duration catchUpWindow, Instant endAt, Instant nextFireAt, boolean runInFlight,
            Instant bufferedFireAt) {
    }

    /**
     * The plan: fire times to emit (nominal, in order), the next nominal fire time and its due time (null: none),
     * what stays buffered, and what happened (for metrics).
     */
    public record Plan(List<Instant> emit, Instant nextFireAt, Instant dueAt, Instant bufferedFireAt, int misfired,
            int overlapsSkipped, boolean buffered) {
    }

    private FirePlanner() {
    }

    /** A fire time is a misfire when it is later than this past its due time. */
    public static Plan plan(State s, Instant now, Duration misfireThreshold) {
        List<Instant> emit = new ArrayList<>();
        Instant buffered = s.bufferedFireAt();
        boolean inFlight = s.runInFlight();
        if (buffered != null && !inFlight) {
            emit.add(buffered);
            buffered = null;
            inFlight = true;
        }
        Instant nominal = s.nextFireAt();
        if (nominal == null || nominal.isAfter(now)) {
            return new Plan(emit, nominal, due(s, nominal), buffered, 0, 0, false);
        }
        List<Instant> fires = new ArrayList<>();
        Instant resumeAfter;
        int misfired = 0;
        Instant dueAt = due(s, nominal);
        if (Duration.between(dueAt, now).compareTo(misfireThreshold) > 0) {
            switch (s.misfire()) {
                case SKIP -> {
                    misfired = count(s.cron(), nominal, now);
                    resumeAfter = now;
                }
                case FIRE_ONCE -> {
                    fires.add(nominal);
                    misfired = count(s.cron(), nominal, now) - 1;
                    resumeAfter = now;
                }
                default -> {
                    Instant windowStart = now.minus(s.catchUpWindow());
                    if (!nominal.isBefore(windowStart)) {
                        fires.add(nominal);
                    }
                    Instant from = nominal.isBefore(windowStart) ? windowStart.minusNanos(1) : nominal;
                    fires.addAll(s.cron().between(from, now, MAX_CATCH_UP_PER_ROUND - fires.size()));
                    misfired = nominal.isBefore(windowStart) ? count(s.cron(), nominal, windowStart) : 0;
                    resumeAfter = fires.size() >= MAX_CATCH_UP_PER_ROUND ? fires.get(fires.size() - 1) : now;
                }
            }
        } else {
            fires.add(nominal);
            resumeAfter = nominal;
        }
        int skipped = 0;
        boolean buffering = false;
        if (!fires.isEmpty() && s.overlap() != OverlapPolicy.ALLOW) {
            // One run at a time: of several catch-up fires only the latest could run anyway.
            Instant latest = fires.get(fires.size() - 1);
            skipped = fires.size() - 1;
            fires = new ArrayList<>(List.of(latest));
            if (inFlight) {
                if (s.overlap() == OverlapPolicy.SKIP) {
                    skipped++;
                } else {
                    buffered = latest;
                    buffering = true;
                }
                fires.clear();
            }
        }
        emit.addAll(fires);
        Instant next = s.cron().next(resumeAfter).orElse(null);
        if (next != null && s.endAt() != null && next.isAfter(s.endAt())) {
            next = null;
        }
        return new Plan(emit, next, due(s, next), buffered, Math.max(0, misfired), skipped, buffering);
    }

    /** The first fire time at or after {@code from} (for a new or resumed schedule), bounded by startAt/endAt. */
    public static Instant first(CronExpression cron, Instant from, Instant startAt, Instant endAt) {
        Instant after = startAt != null && startAt.isAfter(from) ? startAt.minusNanos(1) : from;
        Instant next = cron.next(after).orElse(null);
        return next != null && endAt != null && next.isAfter(endAt) ? null : next;
    }

    static Instant due(State s, Instant nominal) {
        return dueAt(s.id(), nominal, s.jitterSeconds());
    }

    /** When a fire time is emitted: the nominal time plus the schedule's deterministic jitter (null stays null). */
    public static Instant dueAt(String scheduleId, Instant nominal, int jitterSeconds) {
        return nominal == null ? null : nominal.plus(Jitter.delay(scheduleId, nominal, jitterSeconds));
    }

    /** Fire times in [from, to], counted up to a bound (for the misfire metric). */
    private static int count(CronExpression cron, Instant from, Instant to) {
        return 1 + cron.between(from, to, 10_000).size();
    }
}
