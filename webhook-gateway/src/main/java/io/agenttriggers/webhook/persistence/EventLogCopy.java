package io.agenttriggers.webhook.persistence;

import io.agenttriggers.webhook.domain.LoggedRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.postgresql.PGConnection;

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
    private static final byte[] SIGNATURE = { 'P', 'G', 'C', 'O', 'P', 'Y', '\n', (byte) 0xFF, '\r', '\n', 0 };
    /** 2000-01-01T00:00:00Z, PostgreSQL's epoch, in seconds since 1970. */
    private static final long PG_EPOCH_SECONDS = 946_684_800L;
    private static final int JSONB_VERSION = 1;

    private byte[] buf;
    private int pos;

    private EventLogCopy(int capacity) {
        buf = new byte[capacity];
    }

    /** Copies the entries in as one statement (one transaction): all of them or, on failure, none. */
    static void copy(Connection connection, List<LoggedRequest> entries) throws SQLException, IOException {
        byte[] rows = encode(entries);
        connection.unwrap(PGConnection.class).getCopyAPI().copyIn(COPY, new ByteArrayInputStream(rows), rows.length);
    }

    /** The whole COPY stream: header, one tuple per entry, trailer. */
    static byte[] encode(List<LoggedRequest> entries) {
        EventLogCopy out = new EventLogCopy(64 + entries.size() * 2048);
        out.put(SIGNATURE);
        out.int32(0); // flags: no OIDs
        out.int32(0); // no header extension
        for (LoggedRequest r : entries) {
            out.int16(COLUMNS);
            out.uuid(r.id);
            out.uuid(r.endpointId);
            out.text(r.tenantId);
            out.timestamptz(r.receivedAt);
            out.text(r.method);
            out.text(r.sourceIp);
            out.text(r.userAgent);
            out.jsonb(r.headersJson());
            out.text(r.contentType);
            out.bytea(r.body);
            out.int4(r.bodySize);
            out.bool(r.bodyTruncated);
            out.bool(r.verified);
            out.int4(r.statusCode);
            out.text(r.outcome);
            out.text(r.errorCode);
            out.text(r.error);
            out.text(r.deliveryId);
            out.uuid(r.runId);
            out.int4(r.durationMs);
            out.uuid(r.replayOf);
        }
        out.int16(-1);
        return out.pos == out.buf.length ? out.buf : Arrays.copyOf(out.buf, out.pos);
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
