package io.agenttriggers.cron.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class CronExpressionTest {

    static Instant at(String zoned) {
        return ZonedDateTime.parse(zoned).toInstant();
    }

    @Test
    void springForwardFiresASkippedTimeOnceAtTheFirstInstantAfterTheGap() {
        // New York, 2026-03-08: 02:00 EST jumps to 03:00 EDT.
        CronExpression daily = CronExpression.parse("30 2 * * *", "America/New_York");
        List<Instant> fires = daily.next(at("2026-03-07T12:00-05:00[America/New_York]"), 3);
        assertThat(fires).containsExactly(
                at("2026-03-08T03:00-04:00"),   // 02:30 does not exist that day: the first instant after the gap
                at("2026-03-09T02:30-04:00"),
                at("2026-03-10T02:30-04:00"));
        // Every minute: the 60 skipped minutes fire once, at 03:00 EDT, then 03:01.
        CronExpression minutely = CronExpression.parse("* * * * *", "America/New_York");
        assertThat(minutely.next(at("2026-03-08T01:59-05:00"), 3)).containsExactly(
                at("2026-03-08T03:00-04:00"), at("2026-03-08T03:01-04:00"), at("2026-03-08T03:02-04:00"));
    }

    @Test
    void fallBackFiresARepeatedTimeOnceAtItsFirstOccurrence() {
        // New York, 2026-11-01: 02:00 EDT falls back to 01:00 EST; 01:30 happens twice.
        CronExpression daily = CronExpression.parse("30 1 * * *", "America/New_York");
        assertThat(daily.next(at("2026-10-31T12:00-04:00"), 2)).containsExactly(
                at("2026-11-01T01:30-04:00"), at("2026-11-02T01:30-05:00"));
        // From inside the second occurrence, the repeated hour is not fired again.
        CronExpression minutely = CronExpression.parse("*/20 * * * *", "America/New_York");
        assertThat(minutely.next(at("2026-11-01T01:10-05:00"), 2)).containsExactly(
                at("2026-11-01T02:00-05:00"), at("2026-11-01T02:20-05:00"));
        assertThat(minutely.next(at("2026-11-01T00:50-04:00"), 5)).containsExactly(
                at("2026-11-01T01:00-04:00"), at("2026-11-01T01:20-04:00"), at("2026-11-01T01:40-04:00"),
                at("2026-11-01T02:00-05:00"), at("2026-11-01T02:20-05:00"));
    }

    @Test
    void supportsSecondsMacrosLastDayOfMonthAndVixieDayMatching() {
        assertThat(CronExpression.parse("*/15 * * * * *", "UTC").next(at("2026-01-01T00:00:00Z"), 2))
                .containsExactly(at("2026-01-01T00:00:15Z"), at("2026-01-01T00:00:30Z"));
        assertThat(CronExpression.parse("@daily", "UTC").next(at("2026-01-01T10:00:00Z"), 1))
                .containsExactly(at("2026-01-02T00:00:00Z"));
        assertThat(CronExpression.parse("@hourly", "Europe/Paris").next(at("2026-01-01T10:10:00Z"), 1))
                .containsExactly(at("2026-01-01T11:00:00Z"));
        assertThat(CronExpression.parse("0 12 L * *", "UTC").next(at("2026-02-01T00:00:00Z"), 3))
                .containsExactly(at("2026-02-28T12:00:00Z"), at("2026-03-31T12:00:00Z"), at("2026-04-30T12:00:00Z"));
        // Vixie: day-of-month 1 OR Monday (2026-06-01 is a Monday, then Monday 8th, 15th...; July 1st is a Wednesday).
        List<Instant> either = CronExpression.parse("0 0 1 * 1", "UTC").next(at("2026-06-20T00:00:00Z"), 3);
        assertThat(either).containsExactly(at("2026-06-22T00:00:00Z"), at("2026-06-29T00:00:00Z"),
                at("2026-07-01T00:00:00Z"));
        assertThat(CronExpression.parse("30 9 * * 1-5", "UTC").describe()).isNotBlank();
    }

    @Test
    void fireTimesAreWholeSecondsWhateverTheStart() {
        assertThat(CronExpression.parse("* * * * * *", "UTC").next(at("2026-01-01T00:00:00.846Z"), 2))
                .containsExactly(at("2026-01-01T00:00:01Z"), at("2026-01-01T00:00:02Z"));
        assertThat(CronExpression.parse("* * * * *", "UTC").next(at("2026-01-01T00:00:59.999Z"), 1))
                .containsExactly(at("2026-01-01T00:01:00Z"));
    }

    @Test
    void namesTheFieldAtFault() {
        assertThatThrownBy(() -> CronExpression.parse("61 * * * *", "UTC"))
                .isInstanceOf(InvalidCronException.class)
                .extracting(e -> ((InvalidCronException) e).field()).isEqualTo("minute");
        assertThatThrownBy(() -> CronExpression.parse("0 25 * * *", "UTC"))
                .extracting(e -> ((InvalidCronException) e).field()).isEqualTo("hour");
        assertThatThrownBy(() -> CronExpression.parse("0 0 * 13 *", "UTC"))
                .extracting(e -> ((InvalidCronException) e).field()).isEqualTo("month");
        assertThatThrownBy(() -> CronExpression.parse("0 0 * * 9", "UTC"))
                .extracting(e -> ((InvalidCronException) e).field()).isEqualTo("day-of-week");
        assertThatThrownBy(() -> CronExpression.parse("0 0 * *", "UTC"))
                .extracting(e -> ((InvalidCronException) e).field()).isEqualTo("expression");
        assertThatThrownBy(() -> CronExpression.parse("@sometimes", "UTC"))
                .extracting(e -> ((InvalidCronException) e).field()).isEqualTo("expression");
        assertThatThrownBy(() -> CronExpression.parse("* * * * *", "Mars/Olympus"))
                .extracting(e -> ((InvalidCronException) e).field()).isEqualTo("timezone");
    }
}
