package io.agenttriggers.api;

import static io.restassured.RestAssured.given;

import io.agenttriggers.common.testing.FuzzClient;
import io.agenttriggers.common.testing.HostileInputs;
import io.agenttriggers.common.testing.IngressFuzzer;
import io.agenttriggers.common.testing.OpenApiFuzzer;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Hostile requests to registered API triggers (open, key-protected, schema-validated, a GET with a path template) and
 * to paths nothing serves: no 5xx, no hang, every 4xx a problem, and a normal request is still accepted afterwards.
 * {@code -Dfuzz.cases} and {@code -Dfuzz.seed} as for {@link OpenApiFuzzer}.
 */
@QuarkusTest
@QuarkusTestResource(DispatcherStub.class)
class ApiTriggerIngressFuzzTest {

    /** Over triggers.api-gateway.max-body-bytes (1 MiB) and under the server-wide 2M, so the trigger answers it. */
    static final int OVERSIZE = 1_100_000;

    @TestHTTPResource("/")
    URI base;

    @Test
    void survivesHostileRequestsAndStillAcceptsANormalOne() {
        int cases = Math.max(IngressFuzzer.KINDS, Integer.getInteger(OpenApiFuzzer.CASES_PROPERTY, 8) * 4);
        long seed = Long.getLong(OpenApiFuzzer.SEED_PROPERTY, new Random().nextLong());
        String tenant = Api.tenant();
        Api.register("{\"tenantId\":\"" + tenant + "\",\"path\":\"/" + tenant + "/open\",\"eventName\":\"fuzz\","
                + "\"authRequired\":false}");
        Api.register("{\"tenantId\":\"" + tenant + "\",\"path\":\"/" + tenant + "/keyed\",\"eventName\":\"fuzz\"}");
        Api.register("{\"tenantId\":\"" + tenant + "\",\"path\":\"/" + tenant + "/typed\",\"eventName\":\"fuzz\","
                + "\"authRequired\":false,\"requestSchema\":{\"type\":\"object\",\"required\":[\"amount\"],"
                + "\"properties\":{\"amount\":{\"type\":\"number\",\"minimum\":0},\"tags\":{\"type\":\"array\","
                + "\"items\":{\"type\":\"string\",\"maxLength\":8}}}}}");
        Api.register("{\"tenantId\":\"" + tenant + "\",\"method\":\"GET\",\"path\":\"/" + tenant
                + "/report/{year}\",\"eventName\":\"fuzz\",\"authRequired\":false}");
        String key = Api.key(tenant, null);

        FuzzClient client = new FuzzClient("API-trigger ingress fuzz (seed " + seed + ", -D"
                + OpenApiFuzzer.SEED_PROPERTY + "=" + seed + " replays it)");
        new IngressFuzzer(at("/" + tenant + "/open"), OVERSIZE, null).run(client, seed, cases);
        new IngressFuzzer(at("/" + tenant + "/typed"), OVERSIZE, null).run(client, seed, cases);
        new IngressFuzzer(at("/" + tenant + "/keyed"), OVERSIZE, (body, headers) -> headers.put("X-Api-Key", key))
                .run(client, seed, cases);
        new IngressFuzzer(at("/" + tenant + "/keyed"), OVERSIZE, (body, headers) -> headers.put("Authorization",
                HostileInputs.pick(new Random(body.length), java.util.List.of("Bearer ", "Bearer x", "Basic Og==",
                        "ApiKey " + key, "Bearer " + key + "x", "Bearer " + "k".repeat(8_000)))))
                .run(client, seed, IngressFuzzer.KINDS);
        new IngressFuzzer(at("/" + tenant + "/nothing-here"), OVERSIZE, null).run(client, seed, IngressFuzzer.KINDS);

        Random random = new Random(seed);
        for (int i = 0; i < cases; i++) {
            String year = random.nextInt(4) == 0 ? HostileInputs.pick(random, HostileInputs.RAW_ENCODED)
                    : OpenApiFuzzer.encode(HostileInputs.string(random));
            StringBuilder query = new StringBuilder();
            int params = random.nextInt(5) == 0 ? 150 : random.nextInt(6);
            for (int p = 0; p < params; p++) {
                query.append(p == 0 ? "?" : "&").append(random.nextInt(6) == 0 ? "dup"
                        : OpenApiFuzzer.encode(HostileInputs.string(random))).append('=')
                        .append(random.nextInt(5) == 0 ? HostileInputs.pick(random, HostileInputs.RAW_ENCODED)
                                : OpenApiFuzzer.encode(HostileInputs.string(random)));
            }
            String method = HostileInputs.pick(random, java.util.List.of("GET", "GET", "GET", "POST", "DELETE"));
            client.send(new FuzzClient.Sent(method, at("/" + tenant + "/report/" + year + query), Map.of(), null,
                    false, "template value and query"), seed + i);
        }
        client.assertNoFindings();

        given().contentType("application/json").body("{\"after\":\"fuzz\"}").post("/" + tenant + "/open")
                .then().statusCode(202);
        given().contentType("application/json").header("X-Api-Key", key).body("{}").post("/" + tenant + "/keyed")
                .then().statusCode(202);
    }

    private URI at(String pathAndQuery) {
        return URI.create(base.toString().replaceAll("/+$", "") + pathAndQuery);
    }
}
