package io.agenttriggers.cron.domain;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;

/**
 * An independent reading of a 5-field crontab line, written from cronie's entry.c and cron.c rather than from
 * cron-utils: lists, ranges, steps, names; day-of-month and day-of-week match either when both are restricted,
 * both when either field starts with {@code *} (cronie's DOM_STAR / DOW_STAR); plus the Quartz forms {@code L},
 * {@code nW}, {@code LW} and {@code d#n}. Fire times follow the service's DST rule: a wall-clock time in a gap fires
 * once at the gap's end, one repeated by an overlap fires at its first occurrence. Brute force by day, then by hour
 * and minute: slow, and obviously so.
 */
final class CrontabOracle {

    private static final String[] MONTHS = { "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT",
        "NOV", "DEC" };
    private static final String[] DAYS = { "SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT" };

    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet months;
    private final Predicate<LocalDate> dom;
    private final Predicate<LocalDate> dow;
    private final boolean domStar;
    private final boolean dowStar;
    private final ZoneId zone;

    CrontabOracle(String line, ZoneId zone) {
        String[] f = line.trim().split("\\s+");
        if (f.length != 5) {
            throw new IllegalArgumentException("5 fields: " + line);
        }
        this.zone = zone;
        minutes = set(f[0], 0, 59, null);
        hours = set(f[1], 0, 23, null);
        months = set(f[3], 1, 12, MONTHS);
        domStar = f[2].startsWith("*");
        dowStar = f[4].startsWith("*");
        dom = dayOfMonth(f[2]);
        dow = dayOfWeek(f[4]);
    }

    private static BitSet set(String field, int min, int max, String[] names) {
        BitSet out = new BitSet();
        for (String item : field.split(",")) {
            int step = 1;
            String range = item;
            int slash = item.indexOf('/');
            if (slash >= 0) {
                step = Integer.parseInt(item.substring(slash + 1));
                range = item.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] ab = range.split("-");
                from = value(ab[0], names, min);
                to = value(ab[1], names, min);
            } else {
                from = value(range, names, min);
                to = slash >= 0 ? max : from;
            }
            for (int v = from; v <= to; v += step) {
                out.set(v);
            }
        }
        return out;
    }

    private static int value(String text, String[] names, int min) {
        if (names != null) {
            for (int i = 0; i < names.length; i++) {
                if (names[i].equals(text.toUpperCase(Locale.ROOT))) {
                    return i + min;
                }
            }
        }
        return Integer.parseInt(text);
    }

    private static Predicate<LocalDate> dayOfMonth(String field) {
        if (field.equals("L")) {
            return d -> d.getDayOfMonth() == d.lengthOfMonth();
        }
        if (field.equals("LW")) {
            return d -> d.equals(weekdayNearest(d.with(TemporalAdjusters.lastDayOfMonth())));
        }
        if (field.endsWith("W")) {
            int day = Integer.parseInt(field.substring(0, field.length() - 1));
            return d -> day <= d.lengthOfMonth() && d.equals(weekdayNearest(d.withDayOfMonth(day)));
        }
        BitSet days = set(field, 1, 31, null);
        return d -> days.get(d.getDayOfMonth());
    }

    /** Quartz's W: the weekday nearest the day, never crossing into another month. */
    private static LocalDate weekdayNearest(LocalDate day) {
        if (day.getDayOfWeek() == DayOfWeek.SATURDAY) {
            return day.getDayOfMonth() == 1 ? day.plusDays(2) : day.minusDays(1);
        }
        if (day.getDayOfWeek() == DayOfWeek.SUNDAY) {
            return day.getDayOfMonth() == day.lengthOfMonth() ? day.minusDays(2) : day.plusDays(1);
        }
        return day;
    }

    private static Predicate<LocalDate> dayOfWeek(String field) {
        int hash = field.indexOf('#');
        if (hash > 0) {
            int weekday = value(field.substring(0, hash), DAYS, 0) % 7;
            int nth = Integer.parseInt(field.substring(hash + 1));
            return d -> d.getDayOfWeek().getValue() % 7 == weekday && (d.getDayOfMonth() - 1) / 7 + 1 == nth;
        }
        BitSet days = set(field, 0, 7, DAYS);
        if (days.get(7)) {
            days.set(0);
        }
        return d -> days.get(d.getDayOfWeek().getValue() % 7);
    }

    boolean dayMatches(LocalDate d) {
        if (!months.get(d.getMonthValue())) {
            return false;
        }
        return domStar || dowStar ? dom.test(d) && dow.test(d) : dom.test(d) || dow.test(d);
    }

    /** Up to {@code count} fire times after {@code after}, searching no further than {@code horizon}. */
    List<Instant> next(Instant after, int count, Instant horizon) {
        List<Instant> out = new ArrayList<>();
        Instant last = after;
        LocalDate day = LocalDateTime.ofInstant(after, zone).toLocalDate().minusDays(1);
        LocalDate end = LocalDateTime.ofInstant(horizon, zone).toLocalDate();
        for (; !day.isAfter(end) && out.size() < count; day = day.plusDays(1)) {
            if (!dayMatches(day)) {
                continue;
            }
            for (int h = hours.nextSetBit(0); h >= 0 && out.size() < count; h = hours.nextSetBit(h + 1)) {
                for (int m = minutes.nextSetBit(0); m >= 0 && out.size() < count; m = minutes.nextSetBit(m + 1)) {
                    Instant fire = instant(LocalDateTime.of(day, LocalTime.of(h, m)));
                    if (fire.isAfter(last) && !fire.isAfter(horizon)) {
                        out.add(fire);
                        last = fire;
                    }
                }
            }
        }
        return out;
    }

    private Instant instant(LocalDateTime wall) {
        List<ZoneOffset> offsets = zone.getRules().getValidOffsets(wall);
        return offsets.isEmpty() ? zone.getRules().getTransition(wall).getInstant() : wall.toInstant(offsets.get(0));
    }
}
