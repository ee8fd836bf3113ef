package io.agenttriggers.common.page;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Builds the SQL of a filtered, keyset-paginated list (newest first) with numbered parameters: each filter is added
 * only when it has a value, so list endpoints do not repeat the bookkeeping of {@code $n} placeholders.
 * The caller turns {@link #args()} into a tuple of its SQL client.
 */
public final class Query {

    private final StringBuilder sql;
    private final List<Object> args = new ArrayList<>();

    private Query(String select) {
        this.sql = new StringBuilder(select).append(" where true");
    }

    /** Starts from {@code select ... from table}; filters follow as {@code and} clauses. */
    public static Query select(String select) {
        return new Query(select);
    }

    /** {@code column <op> value} when the value is not null. */
    public Query where(String column, String op, Object value) {
        if (value != null) {
            args.add(value);
            sql.append(" and ").append(column).append(' ').append(op).append(" $").append(args.size());
        }
        return this;
    }

    public Query eq(String column, Object value) {
        return where(column, "=", value);
    }

    /** {@code column = any(values)} when a restriction is present (e.g. a token's tenants). */
    public Query in(String column, Optional<? extends Collection<String>> values) {
        values.ifPresent(v -> {
            args.add(v.toArray(String[]::new));
            sql.append(" and ").append(column).append(" = any($").append(args.size()).append(')');
        });
        return this;
    }

    /** Orders by the key, newest first, starting after the cursor's key, and limits the rows. */
    public Query page(String key, Object after, int limit) {
        where(key, "<", after);
        args.add(limit);
        sql.append(" order by ").append(key).append(" desc limit $").append(args.size());
        return this;
    }

    public String sql() {
        return sql.toString();
    }

    public List<Object> args() {
        return args;
    }
}
