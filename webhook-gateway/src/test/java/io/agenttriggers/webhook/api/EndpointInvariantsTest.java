package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quarkus.test.junit.QuarkusTest;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.junit.jupiter.api.Test;

/**
 * The seed's endpoint properties, checked over generated endpoints against the running service: creation yields
 * unique ids and URLs and keeps the whole configuration (1), listing returns every created endpoint (2), an update
 * round-trips and is a new version (3), a rollback restores the earlier configuration (33), a deleted endpoint is
 * gone from the API and its URL (4). Generation uses jqwik's arbitraries; the HTTP checks run in the Quarkus test.
 */
@QuarkusTest
class EndpointInvariantsTest {

    static final String ADMIN = "Bearer test-admin-token";
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final int TRIES = 25;

    static Arbitrary<ObjectNode> specs(String tenant) {
        Arbitrary<String> names = Arbitraries.strings().withCharRange('a', 'z').numeric().withChars('-', '_', '.')
                .ofMinLength(1).ofMaxLength(40).filter(s -> Character.isLetterOrDigit(s.charAt(0)));
        Arbitrary<String> eventNames = Arbitraries.of("github", "stripe.charge", "ci:done", "orders.created");
        Arbitrary<ObjectNode> auth = Arbitraries.oneOf(
                Arbitraries.of("none", "bearer", "github", "stripe", "slack", "shopify").map(t -> {
                    ObjectNode a = MAPPER.createObjectNode().put("type", t);
                    return a;
                }),
                Combinators.combine(Arbitraries.of("sha1", "sha256", "sha512"), Arbitraries.of("hex", "base64"),
                        Arbitraries.of("X-Signature", "X-Hook-Sig")).as((alg, enc, header) -> MAPPER.createObjectNode()
                        .put("type", "hmac").put("algorithm", alg).put("encoding", enc).put("header", header)),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(20)
                        .map(u -> MAPPER.createObjectNode().put("type", "basic").put("username", u)));
        return Combinators.combine(names, eventNames, auth, Arbitraries.of("async", "sync"),
                        Arbitraries.integers().between(1, 300), Arbitraries.strings().alpha().ofMaxLength(30).injectNull(0.5),
                        Arbitraries.of(true, false))
                .as((name, event, a, mode, timeout, focus, enabled) -> {
                    ObjectNode n = MAPPER.createObjectNode();
                    n.put("name", name + "-" + UUID.randomUUID().toString().substring(0, 6));
                    n.put("tenantId", tenant);
                    n.put("eventName", event);
                    n.set("auth", a);
                    n.put("responseMode", mode);
                    n.put("syncTimeoutSeconds", timeout);
                    if (focus != null && !focus.isEmpty()) {
                        n.put("focus", focus);
                    }
                    n.put("enabled", enabled);
                    return n;
                });
    }

    static JsonNode read(String body) {
        try {
            return MAPPER.readTree(body);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The fields of a spec as the API shows them back. */
    static void assertKeeps(JsonNode shown, ObjectNode spec) {
        spec.fieldNames().forEachRemaining(f -> assertThat(shown.get(f)).as(f).isEqualTo(spec.get(f)));
    }

    @Test
    void createListUpdateRollbackAndDeleteKeepTheirPromises() {
        String tenant = "inv-" + UUID.randomUUID().toString().substring(0, 8);
        List<ObjectNode> generated = specs(tenant).sampleStream().limit(TRIES).toList();
        Set<String> ids = new HashSet<>();
        for (ObjectNode spec : generated) {
            JsonNode created = read(given().header("Authorization", ADMIN).contentType("application/json")
                    .body(spec.toString()).when().post("/api/v1/endpoints")
                    .then().statusCode(201).extract().asString());
            assertKeeps(created, spec);
            assertThat(ids.add(created.get("id").asText())).as("ids are unique").isTrue();
            assertThat(created.get("url").asText()).isEqualTo("/webhooks/" + created.get("id").asText());
            assertThat(created.has("secret")).isEqualTo(!spec.get("auth").get("type").asText().equals("none"));
        }

        Set<String> listed = given().header("Authorization", ADMIN).queryParam("tenantId", tenant)
                .queryParam("limit", 500).when().get("/api/v1/endpoints").then().statusCode(200)
                .extract().jsonPath().getList("items.id", String.class).stream().collect(Collectors.toSet());
        assertThat(listed).isEqualTo(ids);

        List<ObjectNode> replacements = specs(tenant).sampleStream().limit(TRIES).toList();
        int i = 0;
        for (String id : ids) {
            JsonNode before = read(given().header("Authorization", ADMIN).when().get("/api/v1/endpoints/" + id)
                    .then().statusCode(200).extract().asString());
            ObjectNode next = replacements.get(i++).deepCopy();
            // The scheme family (open vs authenticated) is fixed at creation.
            next.set("auth", before.get("auth"));
            next.put("name", before.get("name").asText());
            JsonNode updated = read(given().header("Authorization", ADMIN).contentType("application/json")
                    .body(next.toString()).when().put("/api/v1/endpoints/" + id)
                    .then().statusCode(200).extract().asString());
            assertKeeps(updated, next);
            assertThat(updated.get("version").asInt()).isEqualTo(before.get("version").asInt() + 1);

            JsonNode rolledBack = read(given().header("Authorization", ADMIN)
                    .when().post("/api/v1/endpoints/" + id + "/versions/1/rollback")
                    .then().statusCode(200).extract().asString());
            for (String f : List.of("name", "eventName", "auth", "responseMode", "syncTimeoutSeconds", "enabled")) {
                assertThat(rolledBack.get(f)).as(f).isEqualTo(before.get(f));
            }
            assertThat(rolledBack.get("version").asInt()).isEqualTo(before.get("version").asInt() + 2);
        }

        for (String id : ids) {
            given().header("Authorization", ADMIN).when().delete("/api/v1/endpoints/" + id).then().statusCode(204);
            given().header("Authorization", ADMIN).when().get("/api/v1/endpoints/" + id).then().statusCode(404);
            given().contentType("application/json").body("{}").when().post("/webhooks/" + id).then().statusCode(404);
        }
    }
}
