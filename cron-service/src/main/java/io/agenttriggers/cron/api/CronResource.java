package io.agenttriggers.cron.api;

import io.agenttriggers.common.problem.Problem.FieldError;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.common.security.Roles;
import io.agenttriggers.cron.domain.CronExpression;
import io.agenttriggers.cron.domain.InvalidCronException;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Checks a cron expression before it is used. */
@Path("/api/v1/cron")
@Tag(name = "Schedules")
@Produces(MediaType.APPLICATION_JSON)
public class CronResource {

    /**
     * The request: expression, time zone (default UTC), how many fire times (default 5, at most 100), and the instant
     * they follow (default now), to preview a DST change or a month end before it happens.
     */
    public record ValidateRequest(String expression, String timezone, Integer count, java.time.OffsetDateTime from) {
    }

    /** The range {@code from} may name: fire times are computed for today's calendars, not for antiquity. */
    static final Instant EARLIEST_FROM = Instant.parse("1970-01-01T00:00:00Z");
    static final Instant LATEST_FROM = Instant.parse("2200-01-01T00:00:00Z");

    /** The answer. */
    public record ValidateResponse(boolean valid, String description, String timezone, List<String> nextFireTimes) {
    }

    @POST
    @Path("validate")
    @RolesAllowed({ Roles.ADMIN, Roles.VIEWER })
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Validate a cron expression", description = "A human description and the next fire times "
            + "(ISO-8601 with the zone's offset) after from (default now); 422 naming the field at fault.")
    public ValidateResponse validate(ValidateRequest request) {
        if (request == null) {
            throw ProblemException.badRequest("empty_body", "Send {expression, timezone, count}");
        }
        int count = request.count() == null ? 5 : request.count();
        if (count < 1 || count > 100) {
            throw new ProblemException(422, "invalid_count", "Invalid count", "count must be between 1 and 100",
                    List.of(new FieldError("count", "must be between 1 and 100")));
        }
        Instant from = request.from() == null ? Instant.now() : request.from().toInstant();
        if (from.isBefore(EARLIEST_FROM) || from.isAfter(LATEST_FROM)) {
            throw new ProblemException(422, "invalid_from", "Invalid from", "from must be between " + EARLIEST_FROM
                    + " and " + LATEST_FROM, List.of(new FieldError("from", "must be between 1970 and 2200")));
        }
        CronExpression cron;
        try {
            cron = CronExpression.parse(request.expression(), request.timezone());
        } catch (InvalidCronException e) {
            throw new ProblemException(422, "invalid_expression", "Invalid cron expression",
                    (e.field().equals("expression") || e.field().equals("timezone") ? "" : "The " + e.field()
                            + " field ") + e.getMessage(), List.of(new FieldError(e.field(), e.getMessage())));
        }
        List<String> times = cron.next(from, count).stream()
                .map(t -> t.atZone(cron.zone()).toOffsetDateTime().toString()).toList();
        return new ValidateResponse(true, cron.describe(), cron.zone().getId(), times);
    }
}
