package io.agenttriggers.common.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.agenttriggers.common.event.RunIds;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.UUID;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class PartitionsTest {

    @Test
    void aDayRangeRunsFromItsFirstMillisecondToTheNextDays() {
        DayRange day = new DayRange(LocalDate.of(2026, 12, 3));
        assertThat(day.from()).isEqualTo(UUID.fromString(String.format("%08x-%04x-0000-0000-000000000000",
                1796256000000L >>> 16, 1796256000000L & 0xffff)));
        assertThat(DayRange.instantOf(day.to())).isEqualTo(Instant.parse("2026-12-04T00:00:00Z"));
        assertThat(day.partitionOf("runs")).isEqualTo("runs_p20261203");
        assertThat(DayRange.of(Instant.parse("2026-12-03T23:59:59.999Z"))).isEqualTo(day);
    }

    /** A UUIDv7 minted at any millisecond of a day falls in that day's range, in PostgreSQL's (unsigned) order. */
    @Property
    void everyIdOfADayIsInsideItsRange(@ForAll @LongRange(min = 0, max = (1L << 48) - 86_400_001L) long millis) {
        UUID id = new UUID((millis << 16) | 0x7fffL, 0xbfff_ffff_ffff_ffffL);
        DayRange day = DayRange.of(Instant.ofEpochMilli(millis));
        assertThat(Partitions.compare(day.from(), id)).isLessThanOrEqualTo(0);
        assertThat(Partitions.compare(id, day.to())).isLessThan(0);
    }

    @Test
    void aFreshRunIdIsInTodaysRange() {
        UUID id = UUID.fromString(RunIds.next());
        DayRange today = DayRange.of(Instant.now());
        assertThat(Partitions.compare(today.from(), id)).isNegative();
        assertThat(Partitions.compare(id, today.to())).isNegative();
    }

    @Test
    void readsPostgresBoundsAndFindsWhatIsCoveredAndWhatIsPast() {
        DayRange d1 = new DayRange(LocalDate.of(2026, 12, 1));
        DayRange d2 = d1.next();
        DayRange d3 = d2.next();
        Partitions partitions = Partitions.parse(List.of(
                new String[] {"runs_default", "DEFAULT"},
                new String[] {"runs_p20261202", "FOR VALUES FROM ('" + d2.from() + "') TO ('" + d2.to() + "')"},
                new String[] {"runs_p_initial", "FOR VALUES FROM (MINVALUE) TO ('" + d2.from() + "')"}));
        assertThat(partitions.defaultPartition()).hasValue("runs_default");
        assertThat(partitions.ranges()).extracting(Partitions.Range::name)
                .containsExactly("runs_p_initial", "runs_p20261202");
        assertThat(partitions.covers(d1)).isTrue();
        assertThat(partitions.covers(d2)).isTrue();
        assertThat(partitions.covers(d3)).isFalse();
        assertThat(partitions.ranges().get(0).endsAtOrBefore(d2.from())).isTrue();
        assertThat(partitions.ranges().get(1).endsAtOrBefore(d2.from())).isFalse();
        assertThat(new Partitions.Range("all", null, null).endsAtOrBefore(d3.to())).isFalse();
    }

    @Test
    void aBoundItCannotReadIsAnErrorNotAPartitionToIgnore() {
        assertThatThrownBy(() -> Partitions.parse(List.<String[]>of(new String[] {"odd", "FOR VALUES IN ('a')"})))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("odd");
    }

    @Test
    void unsignedOrderAsPostgresComparesUuids() {
        UUID low = UUID.fromString("7fffffff-ffff-ffff-ffff-ffffffffffff");
        UUID high = UUID.fromString("80000000-0000-0000-0000-000000000000");
        assertThat(low.compareTo(high)).as("Java's signed order").isPositive();
        assertThat(Partitions.compare(low, high)).isNegative();
    }

    @Test
    void refusesARetentionShorterThanADayAndNamesThatAreNotPlainIdentifiers() {
        assertThatThrownBy(() -> new PartitionRetention(null, null, java.time.Duration.ofHours(23), List.of()))
                .hasMessageContaining("at least one day");
        assertThatThrownBy(() -> new PartitionRetention.Table("dispatch", "runs; drop table x", "run_id"))
                .hasMessageContaining("not a plain SQL identifier");
    }
}
