package io.agenttriggers.webhook.persistence;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.webhook.domain.Endpoint;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Webhook URLs name any id their sender likes: made-up ids must neither push real endpoints out of the cache nor, when
 * they are not even UUIDs, reach the database; and a burst of misses for one id is one database read.
 */
@QuarkusTest
@TestProfile(EndpointCacheTest.SmallCache.class)
class EndpointCacheTest {

    static final Duration BOUND = Duration.ofSeconds(30);
    static final int FLOOD = 2_000;

    /**
     * Entries outlive the test (so only eviction could drop one), and the cache of known endpoints is far smaller
     * than the flood, so made-up ids stored with the known ones would push the real endpoint out.
     */
    public static class SmallCache implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("triggers.webhook-gateway.endpoint-cache-ttl", "PT10M",
                    "triggers.webhook-gateway.endpoint-cache-size", "100",
                    "triggers.webhook-gateway.endpoint-negative-cache-size", "500");
        }
    }

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Inject
    EndpointCache cache;

    @Inject
    Pool pool;

    static String endpoint(String name) {
        String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
        return given().header("Authorization", "Bearer test-admin-token").contentType("application/json")
                .body("{\"name\":\"" + name + "\",\"tenantId\":\"" + tenant + "\",\"eventName\":\"e\","
                        + "\"auth\":{\"type\":\"none\"}}")
                .when().post("/api/v1/endpoints")
                .then().statusCode(201).extract().path("id");
    }

    static int deliver(String endpointId) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/webhooks/"
                        + endpointId))
                .timeout(BOUND).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** {@code webhook_endpoint_cache_loads_total} as {@code /q/metrics} shows it. */
    static double loads() {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines()
                .filter(line -> line.startsWith("webhook_endpoint_cache_loads_total ")
                        || line.startsWith("webhook_endpoint_cache_loads_total{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** Not UUIDs, each in its own way; all still one path segment, so they reach the webhook route. */
    static String malformed(int i) {
        String uuid = UUID.randomUUID().toString();
        return switch (i % 5) {
            case 0 -> "endpoint-" + i;
            case 1 -> uuid.replace("-", "");
            case 2 -> uuid + "0";
            case 3 -> "g" + uuid.substring(1);
            default -> uuid.substring(0, 8) + "+" + uuid.substring(9);
        };
    }

    @Test
    void aFloodOfMadeUpIdsLeavesTheRealEndpointCachedAndMalformedOnesNeverReachTheDatabase() throws Exception {
        String real = endpoint("flooded");
        assertThat(deliver(real)).isEqualTo(202);
        assertThat(cache.cached(real)).isNotNull().isPresent();

        double start = loads();
        String lastUnknown = null;
        for (int i = 0; i < FLOOD; i++) {
            lastUnknown = UUID.randomUUID().toString();
            assertThat(deliver(lastUnknown)).isEqualTo(404);
        }
        double afterUnknown = loads();
        // Each made-up UUID is read once, and then remembered as unknown.
        assertThat(afterUnknown - start).isEqualTo(FLOOD);
        assertThat(deliver(lastUnknown)).isEqualTo(404);
        assertThat(loads()).isEqualTo(afterUnknown);

        for (int i = 0; i < FLOOD; i++) {
            assertThat(deliver(malformed(i))).isEqualTo(404);
        }
        assertThat(loads()).as("database reads for ids that are not UUIDs").isEqualTo(afterUnknown);

        // Still cached: served without reading the database again.
        assertThat(cache.cached(real)).isNotNull().isPresent();
        assertThat(deliver(real)).isEqualTo(202);
        // Another spelling of the same UUID is the same entry, not one more.
        assertThat(deliver(real.toUpperCase(Locale.ROOT))).isEqualTo(202);
        assertThat(loads()).isEqualTo(afterUnknown);
    }

    @Test
    void concurrentMissesForOneIdMakeOneDatabaseRead() throws Exception {
        String real = endpoint("contended");
        String unknown = UUID.randomUUID().toString();
        double start = loads();

        List<CompletableFuture<Optional<Endpoint>>> known;
        List<CompletableFuture<Optional<Endpoint>>> missing;
        // Holding the table's lock keeps the first read waiting while the other lookups arrive.
        SqlConnection lock = pool.getConnection().await().atMost(BOUND);
        try {
            lock.query("begin").execute().await().atMost(BOUND);
            lock.query("lock table webhook.endpoints in access exclusive mode").execute().await().atMost(BOUND);
            known = IntStream.range(0, 32).mapToObj(i -> cache.get(real).subscribeAsCompletionStage()).toList();
            missing = IntStream.range(0, 32).mapToObj(i -> cache.get(unknown).subscribeAsCompletionStage()).toList();
            assertThat(known).noneMatch(CompletableFuture::isDone);
            assertThat(missing).noneMatch(CompletableFuture::isDone);
        } finally {
            lock.query("commit").execute().await().atMost(BOUND);
            lock.close().await().atMost(BOUND);
        }

        for (CompletableFuture<Optional<Endpoint>> f : known) {
            assertThat(f.get(BOUND.toSeconds(), TimeUnit.SECONDS)).hasValueSatisfying(
                    e -> assertThat(e.id()).isEqualTo(real));
        }
        for (CompletableFuture<Optional<Endpoint>> f : missing) {
            assertThat(f.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEmpty();
        }
        assertThat(loads() - start).isEqualTo(2.0);
        // Both answers are now cached: the endpoint, and that the other id is unknown.
        assertThat(cache.cached(real)).isNotNull().isPresent();
        assertThat(cache.cached(unknown)).isNotNull().isEmpty();
    }

    @Test
    void onlyWellFormedUuidsAreLookedUpAndEachUnderOneKey() {
        String id = UUID.randomUUID().toString();
        assertThat(EndpointCache.canonicalId(id)).isSameAs(id);
        assertThat(EndpointCache.canonicalId(id.toUpperCase(Locale.ROOT))).isEqualTo(id);
        for (int i = 0; i < 5; i++) {
            assertThat(EndpointCache.canonicalId(malformed(i))).isNull();
        }
        assertThat(EndpointCache.canonicalId(null)).isNull();
        assertThat(EndpointCache.canonicalId("")).isNull();
        // 36 characters that UUID.fromString reads as 00000001-0001-0001-0001-000000000001: another key for one id.
        String alias = "000000000001-1-1-1-00000000000000001";
        assertThat(UUID.fromString(alias)).isEqualTo(UUID.fromString("00000001-0001-0001-0001-000000000001"));
        assertThat(EndpointCache.canonicalId(alias)).isNull();
    }
}
