package io.agenttriggers.cron.domain;

import com.cronutils.descriptor.CronDescriptor;
import com.cronutils.model.Cron;
import com.cronutils.model.definition.CronDefinition;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A cron expression in a time zone: 5-field Unix cron, an optional leading seconds field, the macros
 * ({@code @yearly @annually @monthly @weekly @daily @midnight @hourly}), {@code L} for the last day of the month,
 * ranges, lists and steps; day-of-month and day-of-week restricted together match either (as Vixie cron does).
 * Parsed with cron-utils; fire times follow this DST rule: a wall-clock time that a spring-forward gap skips fires
 * once, at the first instant after the gap; a wall-clock time that a fall-back overlap repeats fires once, at its
 * first occurrence.
 */
public final class CronExpression {

    static final String[] FIELDS = { "minute", "hour", "day-of-month", "month", "day-of-week" };
    static final String[] FIELDS_WITH_SECONDS = { "second", "minute", "hour", "day-of-month", "month", "day-of-week" };

    private static final CronParser UNIX = new CronParser(definition(false));
    private static final CronParser WITH_SECONDS = new CronParser(definition(true));

    private final String text;
    private final ZoneId zone;
    private final Cron cron;
    private final ExecutionTime execution;

    private CronExpression(String text, ZoneId zone, Cron cron) {
        this.text = text;
        this.zone = zone;
        this.cron = cron;
        this.execution = ExecutionTime.forCron(cron);
    }

    private static CronDefinition definition(boolean seconds) {
        var builder = CronDefinitionBuilder.defineCron();
        if (seconds) {
            builder = builder.withSeconds().withValidRange(0, 59).withStrictRange().and();
        }
        return builder
                .withMinutes().withValidRange(0, 59).withStrictRange().and()
                .withHours().withValidRange(0, 23).withStrictRange().and()
                .withDayOfMonth().withValidRange(1, 31).supportsL().withStrictRange().and()
                .withMonth().withValidRange(1, 12).withStrictRange().and()
                .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).withStrictRange()
                .and()
                .withSupportedNicknameYearly().withSupportedNicknameAnnually().withSupportedNicknameMonthly()
                .withSupportedNicknameWeekly().withSupportedNicknameDaily().withSupportedNicknameMidnight()
                .withSupportedNicknameHourly()
                .instance();
    }

    /** Parses; {@link InvalidCronException} names the field at fault. */
    public static CronExpression parse(String expression, String timezone) {
        if (expression == null || expression.isBlank()) {
            throw new InvalidCronException("expression", "is required");
        }
        if (expression.length() > 200) {
            throw new InvalidCronException("expression", "must be at most 200 characters");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(timezone == null || timezone.isBlank() ? "UTC" : timezone);
        } catch (RuntimeException e) {
            throw new InvalidCronException("timezone", "'" + timezone + "' is not an IANA time zone (e.g. Europe/Paris)");
        }
        String text = expression.trim().replaceAll("\\s+", " ");
        String[] parts = text.split(" ");
        if (text.startsWith("@")) {
            if (parts.length != 1) {
                throw new InvalidCronException("expression", "a macro such as @daily stands alone");
            }
            try {
                return new CronExpression(text, zone, UNIX.parse(text.toLowerCase(Locale.ROOT)).validate());
            } catch (RuntimeException e) {
                throw new InvalidCronException("expression", "'" + text + "' is not a known macro (@yearly, "
                        + "@annually, @monthly, @weekly, @daily, @midnight, @hourly)");
            }
        }
        if (parts.length != 5 && parts.length != 6) {
            throw new InvalidCronException("expression", "has " + parts.length + " fields; expected 5 (minute hour "
                    + "day-of-month month day-of-week) or 6 (with a leading second)");
        }
        boolean seconds = parts.length == 6;
        CronParser parser = seconds ? WITH_SECONDS : UNIX;
        String[] names = seconds ? FIELDS_WITH_SECONDS : FIELDS;
        // Find the first field that does not parse on its own, so the message can name it.
        for (int i = 0; i < parts.length; i++) {
            String[] probe = new String[parts.length];
            java.util.Arrays.fill(probe, "*");
            probe[i] = parts[i];
            try {
                parser.parse(String.join(" ", probe)).validate();
            } catch (RuntimeException e) {
                throw new InvalidCronException(names[i], "'" + parts[i] + "' is not valid: " + clean(e.getMessage()));
            }
        }
        try {
            return new CronExpression(text, zone, parser.parse(text).validate());
        } catch (RuntimeException e) {
            throw new InvalidCronException("expression", clean(e.getMessage()));
        }
    }

    private static String clean(String message) {
        return message == null ? "invalid" : message.replaceAll("\\s+", " ").trim();
    }

    public String text() {
        return text;
    }

    public ZoneId zone() {
        return zone;
    }

    /** A human description, e.g. "every minute" or "at 09:30 every day between Monday and Friday". */
    public String describe() {
        try {
            return CronDescriptor.instance(Locale.UK).describe(cron);
        } catch (RuntimeException e) {
            return text;
        }
    }

    /** The first fire time strictly after {@code after}, if any. */
    public Optional<Instant> next(Instant after) {
        // cron-utils walks wall-clock time in a zone without transitions; the zone's rules are applied here.
        // Fire times are whole seconds; cron-utils would carry the sub-second part of the start along.
        LocalDateTime local = LocalDateTime.ofInstant(after, zone).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        for (int guard = 0; guard < 1000; guard++) {
            Optional<ZonedDateTime> candidate = execution.nextExecution(local.atZone(ZoneOffset.UTC));
            if (candidate.isEmpty()) {
                return Optional.empty();
            }
            LocalDateTime wall = candidate.get().toLocalDateTime().withNano(0);
            Instant fire = instantOf(wall);
            if (fire.isAfter(after)) {
                return Optional.of(fire);
            }
            List<ZoneOffset> offsets = zone.getRules().getValidOffsets(wall);
            if (offsets.size() == 2) {
                // A repeated wall-clock time whose first occurrence is already behind: skip the rest of the overlap.
                local = zone.getRules().getTransition(wall).getDateTimeBefore().minusNanos(1);
            } else {
                // Several wall-clock times of one spring-forward gap map to the same instant: fire it once.
                local = wall;
            }
        }
        return Optional.empty();
    }

    /** The wall-clock time in the zone, by the DST rule. */
    Instant instantOf(LocalDateTime wall) {
        List<ZoneOffset> offsets = zone.getRules().getValidOffsets(wall);
        if (offsets.isEmpty()) {
            ZoneOffsetTransition gap = zone.getRules().getTransition(wall);
            return gap.getInstant();
        }
        return wall.toInstant(offsets.get(0));
    }

    /** Up to {@code count} fire times after {@code after}. */
    public List<Instant> next(Instant after, int count) {
        List<Instant> out = new ArrayList<>();
        Instant cursor = after;
        while (out.size() < count) {
            Optional<Instant> n = next(cursor);
            if (n.isEmpty()) {
                break;
            }
            out.add(n.get());
            cursor = n.get();
        }
        return out;
    }

    /** Fire times in {@code (from, to]}, at most {@code max}. */
    public List<Instant> between(Instant from, Instant to, int max) {
        List<Instant> out = new ArrayList<>();
        Instant cursor = from;
        while (out.size() < max) {
            Optional<Instant> n = next(cursor);
            if (n.isEmpty() || n.get().isAfter(to)) {
                break;
            }
            out.add(n.get());
            cursor = n.get();
        }
        return out;
    }
}
