package io.agenttriggers.webhook.persistence;

import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.webhook.domain.LoggedRequest;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.pgclient.PgPool;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.PoolOptions;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Builders;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.Size;
import org.flywaydb.core.Flyway;

/**
 * Property: any entry written with {@link EventLog#write} reads back equal through {@link EventLog#find}. jqwik does
 * not run inside a {@code @QuarkusTest}, so this drives the real {@link EventLog} (its SQL and row mapping) against
 * the local stack's PostgreSQL with a pool of its own, migrated by the service's own Flyway scripts.
 */
class EventLogRoundTripTest {

    /** Only turns a hang into a failure; the machine is shared with Kafka and PostgreSQL. */
    static final Duration BOUND = Duration.ofSeconds(30);

    static Vertx vertx;
    static PgPool pool;
    static EventLog eventLog;

    @BeforeContainer
    static void connect() throws IOException {
        Properties app = new Properties();
        try (InputStream in = EventLogRoundTripTest.class.getResourceAsStream("/application.properties")) {
            app.load(in);
        }
        String user = app.getProperty("quarkus.datasource.username");
        String password = app.getProperty("quarkus.datasource.password");
        // The class's own loader: after a @QuarkusTest the context class loader may be Quarkus'.
        Flyway.configure(EventLogRoundTripTest.class.getClassLoader()).dataSource(app.getProperty("quarkus.datasource.jdbc.url"), user, password)
                .schemas("webhook").defaultSchema("webhook").createSchemas(true)
                .locations("classpath:db/migration").load().migrate();
        vertx = Vertx.vertx();
        pool = PgPool.pool(vertx, PgConnectOptions.fromUri(app.getProperty("quarkus.datasource.reactive.url"))
                .setUser(user).setPassword(password), new PoolOptions().setMaxSize(2));
        org.postgresql.ds.PGSimpleDataSource jdbc = new org.postgresql.ds.PGSimpleDataSource();
        jdbc.setURL(app.getProperty("quarkus.datasource.jdbc.url"));
        jdbc.setUser(user);
        jdbc.setPassword(password);
        eventLog = new EventLog();
        eventLog.pool = pool;
        eventLog.dataSource = jdbc;
    }

    @AfterContainer
    static void close() {
        if (pool != null) {
            pool.closeAndAwait();
        }
        if (vertx != null) {
            vertx.closeAndAwait();
        }
    }

    @Property(tries = 150)
    void anyWrittenEntryReadsBackEqual(@ForAll("entries") LoggedRequest entry) {
        eventLog.write(entry).await().atMost(BOUND);

        assertReadsBackEqual(entry);
        pool.preparedQuery("delete from webhook.events where id = $1")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(UUID.fromString(entry.id))).await().atMost(BOUND);
    }

    /**
     * PostgreSQL text and jsonb cannot hold NUL; one in a header or a field must not cost the whole batch its place in
     * the log, so it is stored as U+FFFD. Upper-case ids are read as the same UUIDs.
     */
    @Example
    void aNulInAnyTextIsStoredAsAReplacementCharacterAndTheBatchIsWritten() {
        LoggedRequest entry = new LoggedRequest();
        entry.id = UUID.randomUUID().toString();
        entry.endpointId = UUID.randomUUID().toString().toUpperCase(java.util.Locale.ROOT);
        entry.tenantId = "t";
        entry.receivedAt = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
        entry.method = "POST";
        entry.userAgent = "agent\0x";
        entry.headers = Map.of("x-a\0", "v\0w");
        entry.outcome = "rejected";
        entry.error = "bad\0";
        LoggedRequest other = new LoggedRequest();
        other.id = UUID.randomUUID().toString();
        other.endpointId = entry.endpointId.toLowerCase(java.util.Locale.ROOT);
        other.tenantId = "t";
        other.receivedAt = entry.receivedAt;
        other.method = "PUT";
        other.outcome = "accepted";

        eventLog.writeAll(List.of(entry, other)).await().atMost(BOUND);

        LoggedRequest back = eventLog.find(entry.id).await().atMost(BOUND).orElseThrow();
        assertThat(back.userAgent).isEqualTo("agent\uFFFDx");
        assertThat(back.error).isEqualTo("bad\uFFFD");
        assertThat(back.headers).isEqualTo(Map.of("x-a\uFFFD", "v\uFFFDw"));
        assertThat(back.endpointId).isEqualTo(other.endpointId);
        assertThat(eventLog.find(other.id).await().atMost(BOUND)).isPresent();
        pool.preparedQuery("delete from webhook.events where id = any($1)")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(new UUID[] { UUID.fromString(entry.id),
                        UUID.fromString(other.id) }))
                .await().atMost(BOUND);
    }

    @Property(tries = 40)
    void anyBatchWrittenInOneStatementReadsBackEqual(
            @ForAll @Size(min = 1, max = 25) List<@From("entries") LoggedRequest> batch) {
        eventLog.writeAll(batch).await().atMost(BOUND);

        batch.forEach(EventLogRoundTripTest::assertReadsBackEqual);
        pool.preparedQuery("delete from webhook.events where id = any($1)")
                .execute(io.vertx.mutiny.sqlclient.Tuple.of(batch.stream().map(e -> UUID.fromString(e.id))
                        .toArray(UUID[]::new)))
                .await().atMost(BOUND);
    }

    private static void assertReadsBackEqual(LoggedRequest entry) {
        LoggedRequest back = eventLog.find(entry.id).await().atMost(BOUND).orElseThrow(
                () -> new AssertionError("entry " + entry.id + " was not written (see the log for why)"));
        assertThat(back).usingRecursiveComparison().ignoringFields("receivedAt", "headers", "headersJson").isEqualTo(entry);
        assertThat(back.headers).isEqualTo(entry.headers);
        assertThat(back.receivedAt).isEqualTo(entry.receivedAt);
    }

    /** Text PostgreSQL stores as is: any character but NUL and lone surrogates (neither occurs in HTTP headers). */
    static Arbitrary<String> text(int maxLength) {
        return Arbitraries.strings().withCharRange('\u0001', '\uD7FF').withCharRange('\uE000', '\uFFFD')
                .ofMaxLength(maxLength);
    }

    static Arbitrary<String> uuid() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs()).as((a, b) -> new UUID(a, b).toString());
    }

    @Provide
    Arbitrary<LoggedRequest> entries() {
        long from = Instant.parse("2000-01-01T00:00:00Z").getEpochSecond() * 1_000_000;
        long to = Instant.parse("2100-01-01T00:00:00Z").getEpochSecond() * 1_000_000;
        // PostgreSQL keeps microseconds; the gateway writes UTC times.
        Arbitrary<OffsetDateTime> times = Arbitraries.longs().between(from, to)
                .map(micros -> Instant.EPOCH.plus(micros, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));
        Arbitrary<Map<String, String>> headers = Arbitraries.maps(text(40).filter(k -> !k.isEmpty()), text(200))
                .ofMaxSize(12);
        Arbitrary<byte[]> bodies = Arbitraries.bytes().array(byte[].class).ofMaxSize(4096).injectNull(0.2);
        return Builders.withBuilder(LoggedRequest::new)
                // The id is the primary key, not data: a fresh one per try, so tries and runs never collide.
                .use(Arbitraries.create(() -> UUID.randomUUID().toString())).in((r, v) -> set(r, () -> r.id = v))
                .use(uuid()).in((r, v) -> set(r, () -> r.endpointId = v))
                .use(text(64)).in((r, v) -> set(r, () -> r.tenantId = v))
                .use(times).in((r, v) -> set(r, () -> r.receivedAt = v))
                .use(Arbitraries.of("POST", "PUT", "PATCH")).in((r, v) -> set(r, () -> r.method = v))
                .use(text(45).injectNull(0.2)).in((r, v) -> set(r, () -> r.sourceIp = v))
                .use(text(200).injectNull(0.2)).in((r, v) -> set(r, () -> r.userAgent = v))
                .use(headers).in((r, v) -> set(r, () -> r.headers = v))
                .use(text(100).injectNull(0.2)).in((r, v) -> set(r, () -> r.contentType = v))
                .use(bodies).in((r, v) -> set(r, () -> r.body = v))
                .use(Arbitraries.integers()).in((r, v) -> set(r, () -> r.bodySize = v))
                .use(Arbitraries.of(true, false)).in((r, v) -> set(r, () -> r.bodyTruncated = v))
                .use(Arbitraries.of(true, false)).in((r, v) -> set(r, () -> r.verified = v))
                .use(Arbitraries.integers().between(100, 599)).in((r, v) -> set(r, () -> r.statusCode = v))
                .use(Arbitraries.of("accepted", "duplicate", "filtered", "handshake", "rejected", "failed"))
                .in((r, v) -> set(r, () -> r.outcome = v))
                .use(text(64).injectNull(0.3)).in((r, v) -> set(r, () -> r.errorCode = v))
                .use(text(300).injectNull(0.3)).in((r, v) -> set(r, () -> r.error = v))
                .use(text(256).injectNull(0.3)).in((r, v) -> set(r, () -> r.deliveryId = v))
                .use(uuid().injectNull(0.3)).in((r, v) -> set(r, () -> r.runId = v))
                .use(Arbitraries.integers().greaterOrEqual(0)).in((r, v) -> set(r, () -> r.durationMs = v))
                .use(uuid().injectNull(0.5)).in((r, v) -> set(r, () -> r.replayOf = v))
                .build();
    }

    private static LoggedRequest set(LoggedRequest r, Runnable assignment) {
        assignment.run();
        return r;
    }
}
