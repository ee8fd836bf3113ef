package io.agenttriggers.webhook.api;

import static io.restassured.RestAssured.given;

import io.agenttriggers.common.testing.FuzzClient;
import io.agenttriggers.common.testing.HostileInputs;
import io.agenttriggers.common.testing.IngressFuzzer;
import io.agenttriggers.common.testing.OpenApiFuzzer;
import io.agenttriggers.webhook.domain.SignatureVerifier;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Hostile deliveries to {@code /webhooks/{id}} (an unauthenticated endpoint and a GitHub-signed one, most deliveries
 * signed so they pass authentication and reach the parser), to unknown ids and hostile ids: no 5xx, no hang, every
 * 4xx a problem, and a normal delivery is still accepted afterwards. {@code -Dfuzz.cases} and {@code -Dfuzz.seed}
 * as for {@link OpenApiFuzzer}.
 */
@QuarkusTest
class WebhookIngressFuzzTest {

    /** Over the test profile's 65536-byte limit (triggers.webhook-gateway.max-body-bytes). */
    static final int OVERSIZE = 70_000;

    @TestHTTPResource("/")
    URI base;

    @Test
    void survivesHostileDeliveriesAndStillAcceptsANormalOne() {
        int cases = Math.max(IngressFuzzer.KINDS, Integer.getInteger(OpenApiFuzzer.CASES_PROPERTY, 8) * 4);
        long seed = Long.getLong(OpenApiFuzzer.SEED_PROPERTY, new Random().nextLong());
        String open = (String) WebhookIngressTest.created("{\"name\":\"fuzz-open\",\"tenantId\":\""
                + WebhookIngressTest.tenant() + "\",\"eventName\":\"fuzz\",\"auth\":{\"type\":\"none\"}}").get("id");
        String secret = "gh-fuzz-" + UUID.randomUUID();
        String signed = (String) WebhookIngressTest.created("{\"name\":\"fuzz-github\",\"tenantId\":\""
                + WebhookIngressTest.tenant() + "\",\"eventName\":\"github\",\"auth\":{\"type\":\"github\"},"
                + "\"secret\":\"" + secret + "\"}").get("id");

        FuzzClient client = new FuzzClient("Webhook ingress fuzz (seed " + seed + ", -D" + OpenApiFuzzer.SEED_PROPERTY
                + "=" + seed + " replays it)");
        new IngressFuzzer(webhook(open), OVERSIZE, null).run(client, seed, cases);
        new IngressFuzzer(webhook(signed), OVERSIZE, (body, headers) -> {
            headers.put("X-GitHub-Event", "push");
            headers.put("X-GitHub-Delivery", UUID.nameUUIDFromBytes(body).toString());
            headers.put("X-Hub-Signature-256", "sha256=" + HexFormat.of().formatHex(SignatureVerifier.mac(
                    "HmacSHA256", secret.getBytes(StandardCharsets.UTF_8), body)));
        }).run(client, seed, cases);
        new IngressFuzzer(webhook(UUID.randomUUID().toString()), OVERSIZE, null).run(client, seed, IngressFuzzer.KINDS);
        Random random = new Random(seed);
        for (int i = 0; i < IngressFuzzer.KINDS; i++) {
            String id = random.nextInt(4) == 0 ? OpenApiFuzzer.encode(open) + "%00"
                    : random.nextInt(3) == 0 ? HostileInputs.pick(random, HostileInputs.RAW_ENCODED)
                    : OpenApiFuzzer.encode(HostileInputs.string(random));
            new IngressFuzzer(webhook(id), OVERSIZE, null).send(client, seed + i, i);
        }
        client.assertNoFindings();

        given().contentType("application/json").body("{\"after\":\"fuzz\"}").when().post("/webhooks/" + open)
                .then().statusCode(202);
        WebhookIngressTest.deliverGithub(signed, secret, "push", UUID.randomUUID().toString(), "{\"after\":\"fuzz\"}")
                .then().statusCode(202);
    }

    private URI webhook(String id) {
        return URI.create(base.toString().replaceAll("/+$", "") + "/webhooks/" + id);
    }
}
