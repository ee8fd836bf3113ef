package io.agenttriggers.cron.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * CronExpression against {@link CrontabOracle}, an independent reading of cronie's rules, over random 5-field lines,
 * zones with DST (half-hour and 45-minute offsets included) and start instants: the next fire times agree.
 */
class CrontabDifferentialTest {

    static final List<String> ZONES = List.of("UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe",
            "Pacific/Chatham", "America/Santiago", "Asia/Kolkata", "Australia/Sydney");
    static final Duration HORIZON = Duration.ofDays(3 * 366);

    @Provide
    Arbitrary<String> lines() {
        Arbitrary<String> minute = Arbitraries.oneOf(Arbitraries.just("*"), step(60, "*"),
                Arbitraries.integers().between(0, 59).map(String::valueOf), range(0, 59), list(0, 59));
        Arbitrary<String> hour = Arbitraries.oneOf(Arbitraries.just("*"), step(24, "*"),
                Arbitraries.integers().between(0, 23).map(String::valueOf), range(0, 23), list(0, 23));
        Arbitrary<String> dom = Arbitraries.oneOf(Arbitraries.just("*"), Arbitraries.just("*"), step(31, "*"),
                Arbitraries.integers().between(1, 28).map(String::valueOf), range(1, 28), list(1, 31),
                Arbitraries.just("L"), Arbitraries.integers().between(1, 28).map(d -> d + "W"), Arbitraries.just("LW"));
        Arbitrary<String> month = Arbitraries.oneOf(Arbitraries.just("*"), Arbitraries.just("*"), step(12, "*"),
                Arbitraries.of("JAN", "mar-jun", "Sep,DEC", "2-11/3"), range(1, 12));
        Arbitrary<String> dow = Arbitraries.oneOf(Arbitraries.just("*"), Arbitraries.just("*"), step(7, "*"),
                Arbitraries.integers().between(0, 7).map(String::valueOf), range(0, 6),
                Arbitraries.of("MON-FRI", "sat,sun", "Tue", "1,3,5"),
                Combinators.combine(Arbitraries.of("MON", "FRI", "0", "6"), Arbitraries.integers().between(1, 5))
                        .as((d, n) -> d + "#" + n));
        return Combinators.combine(minute, hour, dom, month, dow)
                .as((a, b, c, d, e) -> String.join(" ", a, b, c, d, e));
    }

    private static Arbitrary<String> step(int span, String base) {
        return Arbitraries.integers().between(2, Math.max(2, span / 2)).map(s -> base + "/" + s);
    }

    private static Arbitrary<String> range(int min, int max) {
        return Combinators.combine(Arbitraries.integers().between(min, max), Arbitraries.integers().between(0, 10),
                Arbitraries.integers().between(1, 3)).as((a, len, s) -> {
                    int b = Math.min(max, a + len);
                    return s == 1 ? a + "-" + b : a + "-" + b + "/" + s;
                });
    }

    private static Arbitrary<String> list(int min, int max) {
        return Arbitraries.integers().between(min, max).set().ofMinSize(2).ofMaxSize(4)
                .map(s -> String.join(",", s.stream().sorted().map(String::valueOf).toList()));
    }

    @Provide
    Arbitrary<Instant> instants() {
        // 2025-2030: many DST transitions in every zone above.
        return Arbitraries.longs().between(1_735_689_600L, 1_893_456_000L).map(Instant::ofEpochSecond);
    }

    @Property(tries = 1000)
    void nextFireTimesAgreeWithTheOracle(@ForAll("lines") String line, @ForAll("instants") Instant after,
            @ForAll("zones") String zone) {
        compare(line, zone, after);
    }

    @Provide
    Arbitrary<String> zones() {
        return Arbitraries.of(ZONES);
    }

    /** Cases that tell the day rules apart, checked whatever the generator draws. */
    @Example
    void theDayRulesOfCronie() {
        for (String line : List.of("0 0 */2 * 1", "0 0 1 * */2", "0 12 1-7 * 1", "0 12 1,15 * 5", "30 4 * * 0",
                "0 0 * * 7", "0 9 * * MON#2", "0 9 15W * *", "0 9 LW * *", "0 9 L * *", "0 0 1 JAN-MAR sun",
                "*/30 2 * * *", "15 2,3 * * *")) {
            for (String zone : ZONES) {
                compare(line, zone, Instant.parse("2026-03-01T00:00:00Z"));
                compare(line, zone, Instant.parse("2026-10-20T12:34:56Z"));
            }
        }
    }

    private static void compare(String line, String zone, Instant after) {
        Instant horizon = after.plus(HORIZON);
        List<Instant> expected = new CrontabOracle(line, ZoneId.of(zone)).next(after, 6, horizon);
        List<Instant> actual = CronExpression.parse(line, zone).next(after, 6).stream()
                .filter(t -> !t.isAfter(horizon)).toList();
        assertThat(actual).as("%s in %s after %s", line, zone, after).isEqualTo(expected);
    }
}
