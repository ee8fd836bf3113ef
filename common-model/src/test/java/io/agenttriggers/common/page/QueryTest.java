package io.agenttriggers.common.page;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueryTest {

    @Test
    void addsOnlyTheFiltersThatHaveValuesAndNumbersTheirParameters() {
        Query q = Query.select("select * from t")
                .eq("a", "x")
                .eq("b", null)
                .in("tenant", Optional.of(Set.of("acme")))
                .where("at", ">=", 5)
                .page("id", "k", 51);
        assertThat(q.sql()).isEqualTo("select * from t where true and a = $1 and tenant = any($2) and at >= $3"
                + " and id < $4 order by id desc limit $5");
        assertThat(q.args()).hasSize(5).startsWith("x").endsWith("k", 51);
        assertThat(Query.select("select * from t").in("tenant", Optional.empty()).page("id", null, 10).sql())
                .isEqualTo("select * from t where true order by id desc limit $1");
    }
}
