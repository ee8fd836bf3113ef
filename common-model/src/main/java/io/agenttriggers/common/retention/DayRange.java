package io.agenttriggers.common.retention;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.UUID;

/**
 * One UTC day of UUIDv7 ids: {@code [from, to)}. A UUIDv7's first 48 bits are its time in Unix milliseconds and
 * PostgreSQL compares uuids byte by byte, so the ids minted in one day form one contiguous range whose bounds are
 * the day's first millisecond followed by zeros.
 */
public record DayRange(LocalDate day) {

    private static final DateTimeFormatter SUFFIX = DateTimeFormatter.ofPattern("yyyyMMdd");

    public static DayRange of(Instant instant) {
        return new DayRange(LocalDate.ofInstant(instant, ZoneOffset.UTC));
    }

    public UUID from() {
        return bound(day.atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    public UUID to() {
        return bound(day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant());
    }

    public DayRange next() {
        return new DayRange(day.plusDays(1));
    }

    /** The partition's name for a table: {@code runs} → {@code runs_p20261203}. */
    public String partitionOf(String table) {
        return table + "_p" + day.format(SUFFIX);
    }

    /** The smallest UUIDv7-ordered id at or after {@code instant}: its milliseconds, then zeros. */
    public static UUID bound(Instant instant) {
        long millis = instant.toEpochMilli();
        if (millis < 0 || millis >= 1L << 48) {
            throw new IllegalArgumentException("outside UUIDv7's time range: " + instant);
        }
        return new UUID(millis << 16, 0L);
    }

    /** The time an id's first 48 bits name (for a bound or a UUIDv7). */
    public static Instant instantOf(UUID id) {
        return Instant.ofEpochMilli(id.getMostSignificantBits() >>> 16);
    }
}
