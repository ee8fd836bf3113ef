package io.agenttriggers.api.persistence;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

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
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * API keys are presented by anyone, before rate limits: made-up keys must neither push real keys out of the cache
 * nor, when they are not shaped like a generated key, reach the database; and a burst of misses for one key is one
 * database read.
 */
@QuarkusTest
@TestProfile(ApiKeyStoreTest.SmallCache.class)
class ApiKeyStoreTest {

    static final Duration BOUND = Duration.ofSeconds(30);
    static final int FLOOD = 2_000;
    static final String ADMIN = "Bearer test-admin-token";
    static final SecureRandom RANDOM = new SecureRandom();

    /**
     * Entries outlive the test (so only eviction or a revocation could drop one), and the cache of known keys is far
     * smaller than the flood, so made-up keys stored with the known ones would push the real key out.
     */
    public static class SmallCache implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("triggers.api-gateway.api-key-cache-ttl", "PT10M",
                    "triggers.api-gateway.api-key-cache-size", "100",
                    "triggers.api-gateway.api-key-negative-cache-size", "500");
        }
    }

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Inject
    ApiKeyStore keys;

    @Inject
    Pool pool;

    static String tenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Registers a trigger that needs a key and answers its path. */
    static String trigger(String tenant, String name) {
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + tenant + "\",\"name\":\"" + name + "\",\"path\":\"/" + tenant + "/" + name
                        + "\",\"eventName\":\"e\"}")
                .when().post("/admin/v1/api-triggers").then().statusCode(201);
        return "/" + tenant + "/" + name;
    }

    static Map<String, Object> key(String tenant) {
        return given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + tenant + "\",\"name\":\"k\"}")
                .when().post("/admin/v1/api-keys").then().statusCode(201).extract().jsonPath().getMap("$");
    }

    /** Made the way the store makes keys. */
    static String madeUpKey() {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        return ApiKeyStore.PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** Not shaped like a generated key, each in its own way. */
    static String malformed(int i) {
        String key = madeUpKey();
        return switch (i % 6) {
            case 0 -> "atk_nope-" + i;
            case 1 -> key.substring(ApiKeyStore.PREFIX.length()) + "atk_";
            case 2 -> key + "A";
            case 3 -> key.substring(0, key.length() - 1);
            // Standard base64, not base64url.
            case 4 -> key.substring(0, 10) + "+" + key.substring(11);
            // A last character carrying bits that 32 bytes do not have.
            default -> key.substring(0, key.length() - 1) + "B";
        };
    }

    static int fire(String path, String apiKey) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                .timeout(BOUND).header("Content-Type", "application/json").header("X-API-Key", apiKey)
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        return CLIENT.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    /** {@code api_key_cache_loads_total} as {@code /q/metrics} shows it. */
    static double loads() {
        String text = given().when().get("/q/metrics").then().statusCode(200).extract().asString();
        return text.lines()
                .filter(line -> line.startsWith("api_key_cache_loads_total ")
                        || line.startsWith("api_key_cache_loads_total{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    @Test
    void aFloodOfMadeUpKeysLeavesTheRealKeyCachedAndMalformedOnesNeverReachTheDatabase() throws Exception {
        String tenant = tenant();
        String path = trigger(tenant, "flooded");
        String real = (String) key(tenant).get("key");
        assertThat(fire(path, real)).isEqualTo(202);

        double start = loads();
        String lastUnknown = null;
        for (int i = 0; i < FLOOD; i++) {
            lastUnknown = madeUpKey();
            assertThat(fire(path, lastUnknown)).isEqualTo(401);
        }
        double afterUnknown = loads();
        // Each made-up key is read once, and then remembered as unknown.
        assertThat(afterUnknown - start).isEqualTo(FLOOD);
        assertThat(fire(path, lastUnknown)).isEqualTo(401);
        assertThat(loads()).isEqualTo(afterUnknown);

        for (int i = 0; i < FLOOD; i++) {
            assertThat(fire(path, malformed(i))).isEqualTo(401);
        }
        assertThat(loads()).as("database reads for keys of the wrong shape").isEqualTo(afterUnknown);

        // Still cached: accepted without reading the database again.
        assertThat(fire(path, real)).isEqualTo(202);
        assertThat(loads()).isEqualTo(afterUnknown);
    }

    @Test
    void concurrentMissesForOneKeyMakeOneDatabaseRead() throws Exception {
        String tenant = tenant();
        Map<String, Object> created = key(tenant);
        String real = (String) created.get("key");
        String unknown = madeUpKey();
        double start = loads();

        List<CompletableFuture<Optional<ApiKeyStore.ApiKey>>> known;
        List<CompletableFuture<Optional<ApiKeyStore.ApiKey>>> missing;
        // Holding the table's lock keeps the first read waiting while the other lookups arrive.
        SqlConnection lock = pool.getConnection().await().atMost(BOUND);
        try {
            lock.query("begin").execute().await().atMost(BOUND);
            lock.query("lock table api.api_keys in access exclusive mode").execute().await().atMost(BOUND);
            known = IntStream.range(0, 32).mapToObj(i -> keys.lookup(real).subscribeAsCompletionStage()).toList();
            missing = IntStream.range(0, 32).mapToObj(i -> keys.lookup(unknown).subscribeAsCompletionStage()).toList();
            assertThat(known).noneMatch(CompletableFuture::isDone);
            assertThat(missing).noneMatch(CompletableFuture::isDone);
        } finally {
            lock.query("commit").execute().await().atMost(BOUND);
            lock.close().await().atMost(BOUND);
        }

        for (CompletableFuture<Optional<ApiKeyStore.ApiKey>> f : known) {
            assertThat(f.get(BOUND.toSeconds(), TimeUnit.SECONDS)).hasValueSatisfying(
                    k -> assertThat(k.id()).isEqualTo(created.get("id")));
        }
        for (CompletableFuture<Optional<ApiKeyStore.ApiKey>> f : missing) {
            assertThat(f.get(BOUND.toSeconds(), TimeUnit.SECONDS)).isEmpty();
        }
        assertThat(loads() - start).isEqualTo(2.0);
        // Both answers are now cached.
        keys.lookup(real).await().atMost(BOUND);
        keys.lookup(unknown).await().atMost(BOUND);
        assertThat(loads() - start).isEqualTo(2.0);
    }

    @Test
    void aRevocationStopsThatKeyAtOnceAndLeavesTheOthersCached() throws Exception {
        String tenant = tenant();
        String path = trigger(tenant, "revoked");
        Map<String, Object> revoked = key(tenant);
        String kept = (String) key(tenant).get("key");
        assertThat(fire(path, (String) revoked.get("key"))).isEqualTo(202);
        assertThat(fire(path, kept)).isEqualTo(202);
        double start = loads();

        given().header("Authorization", ADMIN).delete("/admin/v1/api-keys/" + revoked.get("id"))
                .then().statusCode(204);

        // Cached for ten minutes here, yet refused at once.
        assertThat(fire(path, (String) revoked.get("key"))).isEqualTo(401);
        assertThat(fire(path, kept)).isEqualTo(202);
        assertThat(loads() - start).as("only the revoked key is read again").isEqualTo(1.0);
    }

    @Test
    void onlyKeysShapedLikeGeneratedOnesAreLookedUp() {
        for (int i = 0; i < 1_000; i++) {
            assertThat(ApiKeyStore.wellFormed(madeUpKey())).isTrue();
        }
        for (int i = 0; i < 6; i++) {
            assertThat(ApiKeyStore.wellFormed(malformed(i))).as(malformed(i)).isFalse();
        }
        assertThat(ApiKeyStore.wellFormed(null)).isFalse();
        assertThat(ApiKeyStore.wellFormed("")).isFalse();
    }
}
