package io.agenttriggers.common.retention;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The partitions of a table range-partitioned by a uuid key, as PostgreSQL lists them ({@code pg_get_expr} of each
 * child's bound): ranges with their bounds, and at most one default partition.
 */
public record Partitions(List<Range> ranges, Optional<String> defaultPartition) {

    private static final Pattern RANGE = Pattern.compile(
            "FOR VALUES FROM \\((MINVALUE|'([0-9a-f-]{36})')\\) TO \\((MAXVALUE|'([0-9a-f-]{36})')\\)");

    /** One range partition; a null bound is MINVALUE ({@code from}) or MAXVALUE ({@code to}). */
    public record Range(String name, UUID from, UUID to) {

        public boolean overlaps(UUID lo, UUID hi) {
            return (from == null || compare(from, hi) < 0) && (to == null || compare(lo, to) < 0);
        }

        /** Every id it can hold is below {@code bound}. */
        public boolean endsAtOrBefore(UUID bound) {
            return to != null && compare(to, bound) <= 0;
        }
    }

    /** Reads (child name, bound expression) pairs; a bound it cannot read is an error, not a partition to skip. */
    public static Partitions parse(List<String[]> children) {
        List<Range> ranges = new ArrayList<>();
        String defaultPartition = null;
        for (String[] child : children) {
            String name = child[0];
            String bound = child[1];
            if ("DEFAULT".equals(bound)) {
                defaultPartition = name;
                continue;
            }
            Matcher m = RANGE.matcher(bound);
            if (!m.matches()) {
                throw new IllegalStateException("partition " + name + " has a bound this housekeeping does not "
                        + "read: " + bound);
            }
            ranges.add(new Range(name, m.group(2) == null ? null : UUID.fromString(m.group(2)),
                    m.group(4) == null ? null : UUID.fromString(m.group(4))));
        }
        ranges.sort(Comparator.comparing(Range::to, Comparator.nullsLast(Partitions::compare)));
        return new Partitions(List.copyOf(ranges), Optional.ofNullable(defaultPartition));
    }

    public boolean covers(DayRange day) {
        return ranges.stream().anyMatch(r -> r.overlaps(day.from(), day.to()));
    }

    /** PostgreSQL's uuid order: unsigned, byte by byte (Java's {@link UUID#compareTo} is signed). */
    public static int compare(UUID a, UUID b) {
        int high = Long.compareUnsigned(a.getMostSignificantBits(), b.getMostSignificantBits());
        return high != 0 ? high : Long.compareUnsigned(a.getLeastSignificantBits(), b.getLeastSignificantBits());
    }
}
