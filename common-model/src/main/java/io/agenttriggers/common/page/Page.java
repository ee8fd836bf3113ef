package io.agenttriggers.common.page;

import io.agenttriggers.common.problem.ProblemException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a list: {@code {"items": [...], "nextCursor": "..."|null}}. Cursors are opaque to clients; here they
 * wrap the sort key of the last item.
 */
public record Page<T>(List<T> items, String nextCursor) {

    /** Default and largest page sizes of every list endpoint. */
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 500;

    /**
     * Builds a page from up to {@code limit + 1} rows fetched in order: the extra row only says there is more.
     */
    public static <T> Page<T> of(List<T> rows, int limit, Function<T, String> sortKey) {
        if (rows.size() <= limit) {
            return new Page<>(List.copyOf(rows), null);
        }
        List<T> items = List.copyOf(rows.subList(0, limit));
        return new Page<>(items, encode(sortKey.apply(items.get(limit - 1))));
    }

    /** Validates a {@code limit} query parameter. */
    public static int limit(Integer requested) {
        if (requested == null) {
            return DEFAULT_LIMIT;
        }
        if (requested < 1 || requested > MAX_LIMIT) {
            throw ProblemException.badRequest("invalid_limit", "limit must be between 1 and " + MAX_LIMIT);
        }
        return requested;
    }

    public static String encode(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }

    /** Decodes a cursor, or answers 400 for one this service did not hand out. */
    public static String decode(String cursor, Function<String, Boolean> valid) {
        if (cursor == null || cursor.isEmpty()) {
            return null;
        }
        try {
            String key = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (valid.apply(key)) {
                return key;
            }
        } catch (IllegalArgumentException ignored) {
            // falls through to the problem below
        }
        throw ProblemException.badRequest("invalid_cursor", "The cursor is not one this list handed out");
    }
}
