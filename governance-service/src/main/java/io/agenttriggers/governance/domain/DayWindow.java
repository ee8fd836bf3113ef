package io.agenttriggers.governance.domain;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/**
 * The calendar day a quota or budget counts in: the day of {@code at} in the policy's time zone, and how long until
 * the next day starts there (so a rejection can say when to try again). Days are not always 24 hours: a DST
 * transition makes them 23 or 25, and {@code atStartOfDay} handles zones whose midnight does not exist.
 */
public record DayWindow(LocalDate day, Duration untilNextDay) {

    public static DayWindow of(ZoneId zone, Instant at) {
        LocalDate day = LocalDate.ofInstant(at, zone);
        ZonedDateTime next = day.plusDays(1).atStartOfDay(zone);
        Duration left = Duration.between(at, next.toInstant());
        return new DayWindow(day, left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left);
    }
}
