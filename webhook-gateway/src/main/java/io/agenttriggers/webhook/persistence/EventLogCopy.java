package io.agenttriggers.webhook.persistence;

import io.agenttriggers.webhook.domain.LoggedRequest;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Writes event log entries with PostgreSQL's {@code COPY ... FROM STDIN (FORMAT binary)}: the rows go as one stream of
 * length-prefixed values that the server stores without parsing text, planning or unpacking arrays, the cheapest
 * way in for both sides (docs/benchmarks.md). The encoding follows the "Binary Format" section of PostgreSQL's COPY
 * documentation and each type's binary send/receive form: uuid as 16 bytes, timestamptz as microseconds since
 * 2000-01-01 UTC, int4 and bool as is, jsonb as a version byte (1) and the text.
 */
final class EventLogCopy {

    static final String COPY = "copy webhook.events (id, endpoint_id, tenant_id, received_at, method, source_ip, "
            + "user_agent, headers, content_type, body, body_size, body_truncated, verified, status_code, outcome, "
            + "error_code, error, delivery_id, run_id, duration_ms, replay_of) from stdin (format binary)";
    private static final int COLUMNS = 21;
    /** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in seconds since 1970. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;
    private static final int JSONB_VERSION = 1;

    /** The stream's header: signature, flags (no OIDs), no header extension. */
    private static final byte[] HEADER = { 'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0,
        0, 0, 0, 0, 0, 0, 0, 0 };
    private static final byte[] TRAILER = { (byte) 0xFF, (byte) 0xFF };
    /** Each event-loop thread encodes into its own scratch buffer, then copies out the exact row. */
    private static final ThreadLocal<EventLogCopy> SCRATCH = ThreadLocal.withInitial(() -> new EventLogCopy(4096));

    private byte[] buf;
    private int pos;

    private EventLogCopy(int capacity) {
        buf = new byte[capacity];
    }

    /**
     * Copies encoded rows ({@link #row}) in as one statement (one transaction): all of them or, on failure, none.
     * The rows are streamed as they are, never joined into one array.
     */
    static void copy(Connection connection, List<byte[]> rows) throws SQLException {
        CopyIn in = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY);
        try {
            in.writeToCopy(HEADER, 0, HEADER.length);
            for (byte[] row : rows) {
                in.writeToCopy(row, 0, row.length);
            }
            in.writeToCopy(TRAILER, 0, TRAILER.length);
            in.endCopy();
        } finally {
            if (in.isActive()) {
                in.cancelCopy();
            }
        }
    }

    /**
     * One entry as a tuple of the binary COPY stream. The ingress path encodes each entry as it answers, while the
     * entry's strings and bytes are still in the CPU's caches; the writer thread then only streams bytes.
     */
    static byte[] row(LoggedRequest r) {
        EventLogCopy out = SCRATCH.get();
        out.pos = 0;
        out.tuple(r);
        byte[] row = Arrays.copyOf(out.buf, out.pos);
        if (out.buf.length > 65_536) {
            out.buf = new byte[4096]; // a large body passed through: do not keep its buffer per thread
        }
        return row;
    }

    private void tuple(LoggedRequest r) {
        int16(COLUMNS);
        uuid(r.id);
        uuid(r.endpointId);
        text(r.tenantId);
        timestamptz(r.receivedAt);
        text(r.method);
        text(r.sourceIp);
        text(r.userAgent);
        jsonb(r.headersJson());
        text(r.contentType);
        bytea(r.body);
        int4(r.bodySize);
        bool(r.bodyTruncated);
        bool(r.verified);
        int4(r.statusCode);
        text(r.outcome);
        text(r.errorCode);
        text(r.error);
        text(r.deliveryId);
        uuid(r.runId);
        int4(r.durationMs);
        uuid(r.replayOf);
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }

    private void put(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
    }

    private void int16(int v) {
        ensure(2);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void int32(int v) {
        ensure(4);
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
    }

    private void int64(long v) {
        int32((int) (v >>> 32));
        int32((int) v);
    }

    private void nul() {
        int32(-1);
    }

    /** Text as UTF-8. PostgreSQL text cannot hold NUL, so one would fail the whole batch: it becomes U+FFFD. */
    private void text(String s) {
        if (s == null) {
            nul();
            return;
        }
        byte[] utf8 = (s.indexOf('\0') >= 0 ? s.replace('\0', '\uFFFD') : s).getBytes(StandardCharsets.UTF_8);
        int32(utf8.length);
        put(utf8);
    }

    private void bytea(byte[] bytes) {
        if (bytes == null) {
            nul();
            return;
        }
        int32(bytes.length);
        put(bytes);
    }

    private void jsonb(byte[] json) {
        int32(json.length + 1);
        ensure(1);
        buf[pos++] = JSONB_VERSION;
        put(json);
    }

    private void int4(int v) {
        int32(4);
        int32(v);
    }

    private void bool(boolean v) {
        int32(1);
        ensure(1);
        buf[pos++] = (byte) (v ? 1 : 0);
    }

    private void timestamptz(OffsetDateTime t) {
        int32(8);
        int64((t.toEpochSecond() - PG_EPOCH_SECONDS) * 1_000_000L + t.getNano() / 1_000);
    }

    /** A UUID from its canonical text, read directly; anything else goes through {@link UUID#fromString}. */
    private void uuid(String id) {
        if (id == null) {
            nul();
            return;
        }
        int32(16);
        ensure(16);
        if (id.length() == 36 && id.charAt(8) == '-' && id.charAt(13) == '-' && id.charAt(18) == '-'
                && id.charAt(23) == '-') {
            int start = pos;
            int hi = -1;
            for (int i = 0; i < 36; i++) {
                char c = id.charAt(i);
                if (c == '-' && (i == 8 || i == 13 || i == 18 || i == 23)) {
                    continue;
                }
                int d = hex(c);
                if (d < 0) {
                    pos = start;
                    canonical(UUID.fromString(id));
                    return;
                }
                if (hi < 0) {
                    hi = d;
                } else {
                    buf[pos++] = (byte) (hi << 4 | d);
                    hi = -1;
                }
            }
            return;
        }
        canonical(UUID.fromString(id));
    }

    private static int hex(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
    }

    private void canonical(UUID uuid) {
        int64(uuid.getMostSignificantBits());
        int64(uuid.getLeastSignificantBits());
    }
}
