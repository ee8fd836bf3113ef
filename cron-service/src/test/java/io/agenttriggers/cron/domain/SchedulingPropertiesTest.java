package io.agenttriggers.cron.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Next-fire computation across DST, jitter bounds, and the misfire policies over arbitrary downtime. */
class SchedulingPropertiesTest {

    static final List<String> ZONES = List.of("UTC", "America/New_York", "Europe/Berlin", "Australia/Sydney",
            "Asia/Kolkata", "America/Santiago", "Pacific/Chatham");
    static final List<String> EXPRESSIONS = List.of("* * * * *", "*/7 * * * *", "30 2 * * *", "0 1,2,3 * * *",
            "15 */2 * * *", "0 0 L * *", "0 12 1 * 1", "@hourly", "@daily", "45 23 * * 5");

    @Provide
    Arbitrary<CronExpression> crons() {
        return Arbitraries.of(EXPRESSIONS).flatMap(e -> Arbitraries.of(ZONES).map(z -> CronExpression.parse(e, z)));
    }

    @Provide
    Arbitrary<Instant> instants() {
        // 2024-2028: includes many DST transitions in every zone above.
        return Arbitraries.longs().between(1_704_067_200L, 1_830_297_600L).map(Instant::ofEpochSecond);
    }

    @Property(tries = 300)
    void fireTimesIncreaseMatchTheWallClockAndAreNeverRepeated(@ForAll("crons") CronExpression cron,
            @ForAll("instants") Instant start) {
        List<Instant> fires = cron.next(start, 30);
        Instant previous = start;
        for (Instant fire : fires) {
            assertThat(fire).isAfter(previous);
            assertThat(fire.getNano()).isZero();
            // A fire is either the expression's wall-clock time in the zone, or the first instant after a gap.
            ZonedDateTime wall = fire.atZone(cron.zone());
            boolean afterGap = cron.zone().getRules().getTransition(wall.toLocalDateTime().minusSeconds(1)) == null
                    && isFirstInstantAfterGap(cron.zone(), fire);
            assertThat(afterGap || cron.next(fire.minusSeconds(1)).orElseThrow().equals(fire)).isTrue();
            previous = fire;
        }
    }

    private static boolean isFirstInstantAfterGap(ZoneId zone, Instant fire) {
        var t = zone.getRules().previousTransition(fire.plusNanos(1));
        return t != null && t.isGap() && t.getInstant().equals(fire);
    }

    @Property(tries = 300)
    void everyWallClockTimeOfADayFiresExactlyOnceAcrossFallBack(@ForAll("instants") Instant day,
            @ForAll @IntRange(min = 0, max = 6) int zoneIndex) {
        // An every-10-minutes schedule over a whole local day: each wall-clock slot fires once, even repeated ones.
        ZoneId zone = ZoneId.of(ZONES.get(zoneIndex));
        CronExpression cron = CronExpression.parse("*/10 * * * *", zone.getId());
        LocalDateTime midnight = day.atZone(zone).toLocalDate().atStartOfDay();
        Instant from = midnight.atZone(zone).toInstant().minusSeconds(1);
        Instant to = midnight.plusDays(1).atZone(zone).toInstant().minusSeconds(1);
        List<LocalDateTime> walls = cron.between(from, to, 1000).stream()
                .map(i -> LocalDateTime.ofInstant(i, zone)).toList();
        assertThat(walls).doesNotHaveDuplicates();
        // 144 slots, minus those a spring-forward gap swallowed into one fire at the gap's end.
        assertThat(walls.size()).isBetween(144 - 7, 144);
    }

    @Property(tries = 500)
    void jitterIsDeterministicAndWithinTheWindow(@ForAll("instants") Instant fire,
            @ForAll @IntRange(min = 0, max = 3600) int jitterSeconds, @ForAll @LongRange(min = 0) long seed) {
        String id = "s-" + seed;
        Duration d = Jitter.delay(id, fire, jitterSeconds);
        assertThat(d).isEqualTo(Jitter.delay(id, fire, jitterSeconds));
        assertThat(d).isGreaterThanOrEqualTo(Duration.ZERO);
        if (jitterSeconds == 0) {
            assertThat(d).isZero();
        } else {
            assertThat(d).isLessThan(Duration.ofSeconds(jitterSeconds));
        }
    }

    @Property(tries = 300)
    void misfirePoliciesOverArbitraryDowntime(@ForAll("crons") CronExpression cron, @ForAll("instants") Instant start,
            @ForAll @LongRange(min = 0, max = 3 * 86_400) long downSeconds, @ForAll MisfirePolicy policy) {
        Duration threshold = Duration.ofSeconds(60);
        Duration window = Duration.ofHours(2);
        Instant nominal = cron.next(start).orElseThrow();
        Instant now = nominal.plusSeconds(downSeconds);
        FirePlanner.Plan plan = FirePlanner.plan(new FirePlanner.State("s", cron, 0, OverlapPolicy.ALLOW, policy,
                window, null, nominal, false, null), now, threshold);

        // The schedule always moves past now (or to where a long catch-up continues), never backwards.
        assertThat(plan.nextFireAt()).isAfter(nominal);
        assertThat(plan.emit()).isSorted().allMatch(t -> !t.isAfter(now));
        boolean misfire = Duration.between(nominal, now).compareTo(threshold) > 0;
        if (!misfire) {
            assertThat(plan.emit()).containsExactly(nominal);
            return;
        }
        assertThat(plan.nextFireAt()).isAfter(plan.emit().isEmpty() ? nominal : plan.emit().get(plan.emit().size() - 1));
        switch (policy) {
            case SKIP -> {
                assertThat(plan.emit()).isEmpty();
                assertThat(plan.nextFireAt()).isAfter(now);
            }
            case FIRE_ONCE -> {
                assertThat(plan.emit()).containsExactly(nominal);
                assertThat(plan.nextFireAt()).isAfter(now);
            }
            case CATCH_UP -> {
                // Exactly the missed fire times inside the window (up to the per-round bound), each once.
                List<Instant> expected = cron.between(now.minus(window).minusNanos(1), now,
                        FirePlanner.MAX_CATCH_UP_PER_ROUND);
                List<Instant> inWindow = expected.stream().filter(t -> !t.isBefore(nominal)).toList();
                assertThat(plan.emit()).containsExactlyElementsOf(inWindow);
                if (plan.emit().size() < FirePlanner.MAX_CATCH_UP_PER_ROUND) {
                    assertThat(plan.nextFireAt()).isAfter(now);
                }
            }
        }
    }

    @Property(tries = 200)
    void overlapSkipAndBufferNeverEmitWhileARunIsInFlight(@ForAll("crons") CronExpression cron,
            @ForAll("instants") Instant start, @ForAll boolean buffer) {
        Instant nominal = cron.next(start).orElseThrow();
        OverlapPolicy overlap = buffer ? OverlapPolicy.BUFFER_ONE : OverlapPolicy.SKIP;
        FirePlanner.Plan plan = FirePlanner.plan(new FirePlanner.State("s", cron, 0, overlap, MisfirePolicy.FIRE_ONCE,
                Duration.ofHours(1), null, nominal, true, null), nominal.plusSeconds(1), Duration.ofSeconds(60));
        assertThat(plan.emit()).isEmpty();
        assertThat(plan.bufferedFireAt()).isEqualTo(buffer ? nominal : null);
        // Once the run ended, the buffered fire goes out first.
        if (buffer) {
            FirePlanner.Plan later = FirePlanner.plan(new FirePlanner.State("s", cron, 0, overlap,
                    MisfirePolicy.FIRE_ONCE, Duration.ofHours(1), null, plan.nextFireAt(), false, nominal),
                    nominal.plusSeconds(2), Duration.ofSeconds(60));
            assertThat(later.emit()).startsWith(nominal);
            assertThat(later.bufferedFireAt()).isNull();
        }
    }
}
