package io.agenttriggers.common.ratelimit;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.agenttriggers.common.problem.Problem.FieldError;
import java.time.Duration;
import java.util.List;

/**
 * A rate limit (GCRA): {@code limit} requests per {@code period} sustained, up to {@code burst} at once
 * (default: {@code limit}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = false)
public record RateLimitSpec(Integer limit, Duration period, Integer burst) {

    public int burstOrDefault() {
        return burst == null ? limit : burst;
    }

    /** Milliseconds between requests at the sustained rate (at least 1). */
    public long emissionMillis() {
        return Math.max(1, period.toMillis() / limit);
    }

    public void check(String field, List<FieldError> out) {
        if (limit == null || limit < 1 || limit > 1_000_000) {
            out.add(new FieldError(field + ".limit", "must be between 1 and 1000000"));
        }
        if (period == null || period.toMillis() < 1000 || period.toDays() > 1) {
            out.add(new FieldError(field + ".period", "must be between PT1S and P1D"));
        }
        if (burst != null && (burst < 1 || burst > 1_000_000)) {
            out.add(new FieldError(field + ".burst", "must be between 1 and 1000000"));
        }
    }
}
