package io.agenttriggers.dispatcher.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.sqlclient.SqlConnectOptions;
import org.junit.jupiter.api.Test;

/**
 * The ledger's per-run statements stay within the client's prepared-statement cache: a longer statement is parsed and
 * planned again by PostgreSQL on every execution (the claim once was, at 2,073 characters).
 */
class LedgerStatementsTest {

    @Test
    void theClaimAndTheFinishAreShortEnoughToBeCachedPrepared() {
        assertThat(RunLedger.CLAIM.length()).isLessThanOrEqualTo(SqlConnectOptions.DEFAULT_PREPARED_STATEMENT_CACHE_SQL_LIMIT);
        assertThat(RunLedger.FINISH.length()).isLessThanOrEqualTo(SqlConnectOptions.DEFAULT_PREPARED_STATEMENT_CACHE_SQL_LIMIT);
    }
}
