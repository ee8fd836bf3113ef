package io.agenttriggers.governance.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DayWindowTest {

    @Provide
    Arbitrary<String> zones() {
        return Arbitraries.of("UTC", "Europe/Paris", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata",
                "Pacific/Apia", "America/Santiago", "Africa/Casablanca", "Pacific/Chatham");
    }

    @Property(tries = 2000)
    void theWindowEndsExactlyWhereTheNextLocalDayBegins(@ForAll("zones") String zone,
            @ForAll @LongRange(min = 1_500_000_000_000L, max = 2_200_000_000_000L) long millis) {
        ZoneId z = ZoneId.of(zone);
        Instant at = Instant.ofEpochMilli(millis);
        DayWindow w = DayWindow.of(z, at);
        assertThat(w.day()).isEqualTo(LocalDate.ofInstant(at, z));
        assertThat(w.untilNextDay()).isPositive().isLessThanOrEqualTo(Duration.ofHours(26));
        Instant next = at.plus(w.untilNextDay());
        assertThat(LocalDate.ofInstant(next, z)).isEqualTo(w.day().plusDays(1));
        assertThat(LocalDate.ofInstant(next.minusMillis(1), z)).isEqualTo(w.day());
    }

    @Test
    void dstDaysAreTwentyThreeAndTwentyFiveHoursLong() {
        ZoneId ny = ZoneId.of("America/New_York");
        assertThat(DayWindow.of(ny, Instant.parse("2026-03-08T05:00:00Z")).untilNextDay()).isEqualTo(Duration.ofHours(23));
        assertThat(DayWindow.of(ny, Instant.parse("2026-11-01T04:00:00Z")).untilNextDay()).isEqualTo(Duration.ofHours(25));
    }
}
