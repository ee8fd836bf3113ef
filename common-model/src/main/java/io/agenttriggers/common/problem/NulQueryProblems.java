package io.agenttriggers.common.problem;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.Locale;

/**
 * A query parameter with a NUL character ({@code %00}) is a 400 problem on every route of every service before any
 * resource sees it: no filter value means NUL, and PostgreSQL refuses it in text, so it would otherwise end as a
 * 500 wherever a parameter reaches a query.
 */
@ApplicationScoped
public class NulQueryProblems {

    void routes(@Observes Router router) {
        router.route().order(BodyLimitProblems.ORDER).handler(NulQueryProblems::check);
    }

    static void check(RoutingContext rc) {
        String query = rc.request().query();
        if (query == null || !hasNul(query)) {
            rc.next();
            return;
        }
        BodyLimitProblems.end(rc, 400, "invalid_query", "Bad request", "A query parameter contains a NUL character");
    }

    static boolean hasNul(String rawQuery) {
        return rawQuery.indexOf('\0') >= 0 || rawQuery.toLowerCase(Locale.ROOT).contains("%00");
    }
}
