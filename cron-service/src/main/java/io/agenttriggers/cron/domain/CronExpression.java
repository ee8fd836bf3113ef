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
 * ({@code @yearly @annually @monthly @weekly @daily @midnight @hourly}), names ({@code JAN}, {@code MON}), ranges,
 * lists and steps, and Quartz's {@code L} (last day of the month), {@code nW} / {@code LW} (nearest weekday) and
 * {@code d#n} (nth weekday of the month). Day-of-month and day-of-week follow cronie exactly: both restricted, a day
 * matching either fires, unless one of the two fields starts with {@code *} (such as {@code *}{@code /2}); then a day
 * must match both. Parsed with cron-utils; fire times follow this DST rule: a wall-clock time that a spring-forward
 * gap skips fires once, at the first instant after the gap; a wall-clock time that a fall-back overlap repeats fires
 * once, at its first occurrence.
 */
public final class CronExpression {

    static final String[] FIELDS = { "minute", "hour", "day-of-month", "month", "day-of-week" };
    static final String[] FIELDS_WITH_SECONDS = { "second", "minute", "hour", "day-of-month", "month", "day-of-week" };

    private static final CronParser UNIX = new CronParser(definition(false));
    private static final CronParser WITH_SECONDS = new CronParser(definition(true));

    /** Most candidate days looked at for one fire when both day fields must match. */
    private static final int MAX_CANDIDATE_DAYS = 2000;

    private final String text;
    private final ZoneId zone;
    private final Cron cron;
    /** The expression's times; when both day fields must match, with the day-of-week left out. */
    private final ExecutionTime execution;
    /** When both day fields must match: the day-of-week, checked on each candidate; otherwise null. */
    private final ExecutionTime dayOfWeek;

    private CronExpression(String text, ZoneId zone, Cron cron) {
        this(text, zone, cron, ExecutionTime.forCron(cron), null);
    }

    private CronExpression(String text, ZoneId zone, Cron cron, ExecutionTime execution, ExecutionTime dayOfWeek) {
        this.text = text;
        this.zone = zone;
        this.cron = cron;
        this.execution = execution;
        this.dayOfWeek = dayOfWeek;
    }

    private static CronDefinition definition(boolean seconds) {
        var builder = CronDefinitionBuilder.defineCron();
        if (seconds) {
            builder = builder.withSeconds().withValidRange(0, 59).withStrictRange().and();
        }
        return builder
                .withMinutes().withValidRange(0, 59).withStrictRange().and()
                .withHours().withValidRange(0, 23).withStrictRange().and()
                .withDayOfMonth().withValidRange(1, 31).supportsL().supportsW().supportsLW().withStrictRange().and()
                .withMonth().withValidRange(1, 12).withStrictRange().and()
                .withDayOfWeek().withValidRange(0, 7).withMondayDoWValue(1).withIntMapping(7, 0).supportsHash()
                .withStrictRange()
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
        Cron cron;
        try {
            cron = parser.parse(text).validate();
        } catch (RuntimeException e) {
            throw new InvalidCronException("expression", clean(e.getMessage()));
        }
        String dom = parts[parts.length - 3];
        String dow = parts[parts.length - 1];
        if (dom.equals("*") || dow.equals("*") || !dom.startsWith("*") && !dow.startsWith("*")) {
            // One field unrestricted, or both restricted without a star: cron-utils matches as cronie does.
            return new CronExpression(text, zone, cron);
        }
        // cronie: a day field starting with '*' makes the two fields match together. cron-utils matches either, so
        // the times come from the expression without its day-of-week, and each candidate day is checked against it.
        String[] withoutDow = parts.clone();
        withoutDow[parts.length - 1] = "*";
        String[] onlyDow = new String[parts.length];
        java.util.Arrays.fill(onlyDow, "*");
        onlyDow[parts.length - 1] = dow;
        return new CronExpression(text, zone, cron, ExecutionTime.forCron(parser.parse(String.join(" ", withoutDow))),
                ExecutionTime.forCron(parser.parse(String.join(" ", onlyDow))));
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
            Optional<ZonedDateTime> candidate = nextWall(local);
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

    /** The expression's next wall-clock time after {@code local} (read as UTC: no transitions). */
    private Optional<ZonedDateTime> nextWall(LocalDateTime local) {
        ZonedDateTime cursor = local.atZone(ZoneOffset.UTC);
        for (int days = 0; days < (dayOfWeek == null ? 1 : MAX_CANDIDATE_DAYS); days++) {
            Optional<ZonedDateTime> candidate = execution.nextExecution(cursor);
            if (candidate.isEmpty() || dayOfWeek == null || dayOfWeek.isMatch(candidate.get())) {
                return candidate;
            }
            // The day does not match: skip the rest of it.
            cursor = candidate.get().toLocalDate().atTime(23, 59, 59).atZone(ZoneOffset.UTC);
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
