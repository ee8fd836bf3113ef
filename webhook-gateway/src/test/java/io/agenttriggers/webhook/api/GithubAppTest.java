package io.agenttriggers.webhook.api;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.cloudevents.CloudEvent;
import io.jsonwebtoken.Jwts;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The GitHub App URL against WireMock standing in for GitHub's API (response shapes from GitHub's REST docs): one
 * delivery verified with the App's secret fans out to the installation's tenant's App endpoints only; the repository
 * context (compare files, pull request files and labels, a named file's contents) is fetched with an installation
 * token minted once from an RS256 JWT, and path filters see it; a rate limit or a slow GitHub never loses the event.
 */
@QuarkusTest
@QuarkusTestResource(value = GithubAppTest.FakeGithub.class, restrictToAnnotatedClass = true)
class GithubAppTest {

    static final String APP_SECRET = "app-webhook-secret-" + UUID.randomUUID();
    static final String TENANT = "gh-" + UUID.randomUUID().toString().substring(0, 8);
    static final String OTHER = "gh-other-" + UUID.randomUUID().toString().substring(0, 8);
    static final long INSTALLATION = 777;
    static final String BEFORE = "a".repeat(40);
    static final String AFTER = "b".repeat(40);
    static final String PR_HEAD = "c".repeat(40);
    static final KeyPair KEYS = keys();

    static KeyPair keys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key as GitHub's App settings hand it out: PKCS#1 PEM (the JDK's encoding is PKCS#8; its tail is PKCS#1). */
    static String pkcs1Pem() {
        byte[] pkcs8 = KEYS.getPrivate().getEncoded();
        byte[] pkcs1 = Arrays.copyOfRange(pkcs8, 26, pkcs8.length);
        return "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(pkcs1)
                + "\n-----END RSA PRIVATE KEY-----\n";
    }

    public static class FakeGithub implements QuarkusTestResourceLifecycleManager {
        static WireMockServer github;

        @Override
        public Map<String, String> start() {
            github = new WireMockServer(WireMockConfiguration.options().dynamicPort());
            github.start();
            String base = github.baseUrl();
            json(get(urlPathEqualTo("/app")), 200, "{\"id\":4242,\"slug\":\"agent-triggers\",\"name\":\"Agent Triggers\","
                    + "\"owner\":{\"login\":\"acme\"}}");
            json(get(urlPathEqualTo("/app/installations/" + INSTALLATION)), 200, "{\"id\":" + INSTALLATION
                    + ",\"app_id\":4242,\"account\":{\"login\":\"acme\"},\"access_tokens_url\":\"" + base
                    + "/app/installations/" + INSTALLATION + "/access_tokens\"}");
            json(post(urlPathEqualTo("/app/installations/" + INSTALLATION + "/access_tokens")), 201,
                    "{\"token\":\"ghs_installation_token\",\"expires_at\":\"" + Instant.now().plusSeconds(3600)
                            + "\",\"permissions\":{\"contents\":\"read\",\"pull_requests\":\"read\"}}");
            for (String name : List.of("widgets", "slow")) {
                json(get(urlPathEqualTo("/repos/acme/" + name)), 200, "{\"id\":1,\"name\":\"" + name
                        + "\",\"full_name\":\"acme/" + name + "\",\"owner\":{\"login\":\"acme\"},\"private\":true,"
                        + "\"default_branch\":\"main\",\"url\":\"" + base + "/repos/acme/" + name + "\",\"html_url\":"
                        + "\"https://github.com/acme/" + name + "\"}");
            }
            github.stubFor(get(urlPathEqualTo("/repos/acme/slow")).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json").withFixedDelay(5_000).withBody("{}")));
            github.stubFor(get(urlPathEqualTo("/repos/acme/limited")).willReturn(aResponse().withStatus(403)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("X-RateLimit-Limit", "5000").withHeader("X-RateLimit-Remaining", "0")
                    .withHeader("X-RateLimit-Reset", Long.toString(Instant.now().plusSeconds(600).getEpochSecond()))
                    .withBody("{\"message\":\"API rate limit exceeded for installation ID 777.\","
                            + "\"documentation_url\":\"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api\"}")));
            json(get(urlPathEqualTo("/repos/acme/widgets/compare/" + BEFORE + "..." + AFTER)), 200,
                    "{\"status\":\"ahead\",\"ahead_by\":1,\"behind_by\":0,\"total_commits\":1,"
                            + "\"base_commit\":" + commitJson(base, BEFORE) + ",\"merge_base_commit\":"
                            + commitJson(base, BEFORE) + ",\"commits\":[" + commitJson(base, AFTER) + "],"
                            + "\"files\":[{\"sha\":\"1\",\"filename\":\"invoices/2026/jan.csv\",\"status\":\"added\","
                            + "\"additions\":10,\"deletions\":0,\"changes\":10},{\"sha\":\"2\",\"filename\":\"README.md\","
                            + "\"status\":\"modified\",\"additions\":1,\"deletions\":1,\"changes\":2}]}");
            json(get(urlPathEqualTo("/repos/acme/widgets/contents/CODEOWNERS")), 200, "{\"type\":\"file\","
                    + "\"encoding\":\"base64\",\"size\":16,\"name\":\"CODEOWNERS\",\"path\":\"CODEOWNERS\",\"content\":\""
                    + Base64.getEncoder().encodeToString("* @acme/finance\n".getBytes()) + "\"}");
            json(get(urlPathEqualTo("/repos/acme/widgets/pulls/7")), 200, "{\"id\":70,\"number\":7,\"title\":"
                    + "\"Faster invoices\",\"state\":\"open\",\"url\":\"" + base + "/repos/acme/widgets/pulls/7\","
                    + "\"additions\":40,\"deletions\":3,\"changed_files\":2,\"mergeable_state\":\"clean\",\"mergeable\":"
                    + "true,\"labels\":[{\"name\":\"finance\"},{\"name\":\"perf\"}],\"head\":{\"sha\":\"" + PR_HEAD
                    + "\",\"ref\":\"fast\"},\"base\":{\"ref\":\"main\"}}");
            json(get(urlPathEqualTo("/repos/acme/widgets/pulls/7/files")), 200, "[{\"sha\":\"3\",\"filename\":"
                    + "\"src/invoice.ts\",\"status\":\"modified\",\"additions\":38,\"deletions\":3,\"changes\":41},"
                    + "{\"sha\":\"4\",\"filename\":\"src/rates.ts\",\"status\":\"renamed\",\"previous_filename\":"
                    + "\"src/old-rates.ts\",\"additions\":2,\"deletions\":0,\"changes\":2}]");
            return Map.of("triggers.github-app.id", "4242",
                    "triggers.github-app.private-key", pkcs1Pem(),
                    "triggers.github-app.webhook-secret", APP_SECRET,
                    "triggers.github-app.api-url", base,
                    "triggers.github-app.installations", INSTALLATION + "=" + TENANT + ", 999=" + OTHER,
                    "triggers.github-app.context-timeout", "PT1.5S");
        }

        /** A commit as GitHub's compare answer lists it. */
        static String commitJson(String base, String sha) {
            return "{\"sha\":\"" + sha + "\",\"url\":\"" + base + "/repos/acme/widgets/commits/" + sha + "\","
                    + "\"commit\":{\"message\":\"January\",\"author\":{\"name\":\"Mona\",\"email\":"
                    + "\"mona@example.com\",\"date\":\"2026-12-01T00:00:00Z\"}},\"author\":{\"login\":\"mona\"},"
                    + "\"parents\":[]}";
        }

        static void json(com.github.tomakehurst.wiremock.client.MappingBuilder request, int status, String body) {
            github.stubFor(request.willReturn(aResponse().withStatus(status)
                    .withHeader("Content-Type", "application/json; charset=utf-8").withBody(body)));
        }

        @Override
        public void stop() {
            github.stop();
        }
    }

    static String appEndpoint(String tenant, String name, String github) {
        return (String) WebhookIngressTest.created("{\"name\":\"" + name + "\",\"tenantId\":\"" + tenant
                + "\",\"eventName\":\"repo\",\"auth\":{\"type\":\"github-app\"},\"github\":" + github + "}").get("id");
    }

    static Response deliver(String event, String delivery, String body) {
        return given().contentType("application/json").header("X-GitHub-Event", event)
                .header("X-GitHub-Delivery", delivery)
                .header("X-Hub-Signature-256", WebhookIngressTest.githubSignature(APP_SECRET, body))
                .body(body).when().post(GithubAppRoute.PATH);
    }

    static String push(String repo, long installation) {
        return "{\"ref\":\"refs/heads/main\",\"before\":\"" + BEFORE + "\",\"after\":\"" + AFTER + "\","
                + "\"repository\":{\"full_name\":\"acme/" + repo + "\",\"private\":true,\"default_branch\":\"main\"},"
                + "\"installation\":{\"id\":" + installation + "},\"sender\":{\"login\":\"mona\"},"
                + "\"commits\":[{\"id\":\"" + AFTER + "\",\"message\":\"January\",\"author\":{\"name\":\"Mona\","
                + "\"username\":\"mona\"},\"added\":[],\"modified\":[\"README.md\"],\"removed\":[]}]}";
    }

    static JsonNode payloadOf(String runId) throws Exception {
        ConsumerRecord<String, CloudEvent> record = KafkaTestClient.awaitRecord(WebhookIngressTest.inbound(),
                r -> runId.equals(r.value().getId()), Duration.ofSeconds(30));
        return EventJson.MAPPER.readTree(record.value().getData().toBytes()).path("payload");
    }

    static Map<String, Object> entry(JsonPath answer, String name) {
        List<Map<String, Object>> deliveries = answer.getList("deliveries");
        return deliveries.stream().filter(d -> name.equals(d.get("name"))).findFirst().orElseThrow();
    }

    @Test
    void aPushFansOutToTheInstallationsTenantWithItsChangedFilesAndTheTokenIsMintedOnce() throws Exception {
        String invoices = appEndpoint(TENANT, "invoices", "{\"events\":[\"push\"],\"paths\":[\"invoices/**\"],"
                + "\"context\":{\"files\":[\"CODEOWNERS\"]}}");
        String docs = appEndpoint(TENANT, "docs-only", "{\"events\":[\"push\"],\"paths\":[\"docs/**\"]}");
        String prs = appEndpoint(TENANT, "prs", "{\"events\":[\"pull_request\"],\"paths\":[\"src/**\"]}");
        String elsewhere = appEndpoint(OTHER, "other-tenant", "{\"events\":[\"push\"]}");
        String delivery = UUID.randomUUID().toString();

        JsonPath answer = deliver("push", delivery, push("widgets", INSTALLATION)).then().statusCode(202)
                .body("status", is("accepted")).body("delivery", is(delivery)).extract().jsonPath();
        // Other tests' endpoints of the tenant are in the answer too; these three are this test's.
        assertThat(entry(answer, "invoices")).containsEntry("status", "accepted").containsEntry("endpointId", invoices);
        // Matched on the compare's files only: the webhook's own commit list names README.md alone.
        assertThat(entry(answer, "docs-only")).containsEntry("status", "filtered");
        assertThat((String) entry(answer, "prs").get("reason")).contains("not in [pull_request]");
        String runId = (String) entry(answer, "invoices").get("runId");

        JsonNode context = payloadOf(runId).path("repository_context");
        assertThat(context.path("complete").asBoolean()).isTrue();
        assertThat(context.path("repository").path("full_name").asText()).isEqualTo("acme/widgets");
        assertThat(context.path("files").findValuesAsText("filename")).containsExactly("invoices/2026/jan.csv",
                "README.md");
        assertThat(context.path("commits").get(0).path("author").asText()).isEqualTo("mona");
        assertThat(context.path("contents").path("CODEOWNERS").path("content").asText()).isEqualTo("* @acme/finance\n");

        // GitHub's redelivery is the same run; the installation token is reused, not minted again.
        JsonPath again = deliver("push", delivery, push("widgets", INSTALLATION)).then().statusCode(202)
                .extract().jsonPath();
        assertThat(entry(again, "invoices")).containsEntry("status", "duplicate").containsEntry("runId", runId);
        FakeGithub.github.verify(1, postRequestedFor(urlPathEqualTo("/app/installations/" + INSTALLATION
                + "/access_tokens")));
        // The token was asked for with the App's JWT, signed RS256 with its key, issued by the App's id.
        String jwt = FakeGithub.github.findAll(postRequestedFor(urlPathEqualTo("/app/installations/" + INSTALLATION
                + "/access_tokens"))).get(0).getHeader("Authorization").substring("Bearer ".length());
        assertThat(Jwts.parser().verifyWith(KEYS.getPublic()).build().parseSignedClaims(jwt).getPayload().getIssuer())
                .isEqualTo("4242");
        assertThat(FakeGithub.github.findAll(com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                urlPathEqualTo("/repos/acme/widgets"))).get(0).getHeader("Authorization")).contains("ghs_installation_token");

        assertThat(KafkaTestClient.readAll(WebhookIngressTest.inbound(),
                r -> r.value().getSource().toString().equals("/webhooks/" + elsewhere))).isEmpty();
        assertThat(KafkaTestClient.readAll(WebhookIngressTest.inbound(),
                r -> r.value().getSource().toString().equals("/webhooks/" + docs)
                        || r.value().getSource().toString().equals("/webhooks/" + prs))).isEmpty();
        // Each endpoint's event log shows its part of the delivery.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> given()
                .header("Authorization", WebhookIngressTest.ADMIN).when().get("/api/v1/endpoints/" + docs + "/events")
                .then().statusCode(200).body("items[0].outcome", is("filtered")));
    }

    @Test
    void aPullRequestMatchesOnItsFetchedFilesAndCarriesItsLabels() throws Exception {
        String tenant = TENANT;
        appEndpoint(tenant, "pr-src", "{\"events\":[\"pull_request\"],\"actions\":[\"opened\"],"
                + "\"paths\":[\"src/old-*.ts\"]}");
        String body = "{\"action\":\"opened\",\"number\":7,\"pull_request\":{\"number\":7,\"head\":{\"sha\":\""
                + PR_HEAD + "\"},\"base\":{\"ref\":\"main\"},\"user\":{\"login\":\"mona\"}},\"repository\":"
                + "{\"full_name\":\"acme/widgets\",\"default_branch\":\"main\"},\"installation\":{\"id\":"
                + INSTALLATION + "}}";
        JsonPath answer = deliver("pull_request", UUID.randomUUID().toString(), body).then().statusCode(202)
                .extract().jsonPath();
        // The rename's previous name matches: only the fetched file list knows it.
        Map<String, Object> mine = entry(answer, "pr-src");
        assertThat(mine).containsEntry("status", "accepted");
        JsonNode context = payloadOf((String) mine.get("runId")).path("repository_context");
        assertThat(context.path("pull_request").path("labels").toString()).isEqualTo("[\"finance\",\"perf\"]");
        assertThat(context.path("pull_request").path("additions").asInt()).isEqualTo(40);
        assertThat(context.path("files").findValuesAsText("filename")).containsExactly("src/invoice.ts",
                "src/rates.ts");
        assertThat(context.path("ref").asText()).isEqualTo(PR_HEAD);
    }

    @Test
    void aRateLimitOrASlowGithubMarksTheContextIncompleteAndTheEventGoesOn() throws Exception {
        appEndpoint(TENANT, "limited", "{\"events\":[\"push\"],\"repositories\":[\"acme/limited\"]}");
        appEndpoint(TENANT, "limited-paths", "{\"events\":[\"push\"],\"repositories\":[\"acme/limited\"],"
                + "\"paths\":[\"invoices/**\"]}");
        appEndpoint(TENANT, "slow", "{\"events\":[\"push\"],\"repositories\":[\"acme/slow\"]}");

        JsonPath limited = deliver("push", UUID.randomUUID().toString(), push("limited", INSTALLATION))
                .then().statusCode(202).extract().jsonPath();
        JsonNode context = payloadOf((String) entry(limited, "limited").get("runId")).path("repository_context");
        assertThat(context.path("complete").asBoolean()).isFalse();
        assertThat(context.path("incomplete_code").asText()).isEqualTo("rate_limited");
        assertThat(context.path("repository").path("full_name").asText()).isEqualTo("acme/limited");
        // A path filter cannot be judged without the files: the event goes on, saying so, rather than being dropped.
        Map<String, Object> unjudged = entry(limited, "limited-paths");
        assertThat(unjudged).containsEntry("status", "accepted");
        assertThat(payloadOf((String) unjudged.get("runId")).path("repository_context").path("filters_unjudged")
                .asText()).isEqualTo("paths");
        // What the webhook itself said is still there.
        assertThat(payloadOf((String) entry(limited, "limited").get("runId")).path("commits").size()).isEqualTo(1);

        JsonPath slow = deliver("push", UUID.randomUUID().toString(), push("slow", INSTALLATION))
                .then().statusCode(202).extract().jsonPath();
        JsonNode slowContext = payloadOf((String) entry(slow, "slow").get("runId")).path("repository_context");
        assertThat(slowContext.path("incomplete_code").asText()).isEqualTo("timeout");
        assertThat(slowContext.path("commits").size()).isEqualTo(1);

        given().when().get("/api/v1/public/webhooks/status").then().statusCode(200)
                .body("githubApp.configured", is(true)).body("githubApp.appId", is("4242"))
                .body("githubApp.installationsAssigned", is(2))
                .body("githubApp.deliveries.accepted", greaterThanOrEqualTo(2))
                .body("githubApp.contexts.rate_limited", greaterThanOrEqualTo(1))
                .body("githubApp.lastIncompleteContext.code", is("timeout"));
    }

    @Test
    void refusesWhatIsNotTheAppsAndIgnoresWhatIsNoTenantsWithoutPublishing() {
        String id = appEndpoint(TENANT, "direct", "{\"events\":[\"push\"]}");
        String body = push("widgets", INSTALLATION);
        given().contentType("application/json").header("X-GitHub-Event", "push")
                .header("X-Hub-Signature-256", WebhookIngressTest.githubSignature("not-the-app-secret", body))
                .body(body).when().post(GithubAppRoute.PATH)
                .then().statusCode(403).contentType("application/problem+json").body("code", is("bad_signature"));
        deliver("push", UUID.randomUUID().toString(), push("widgets", 888)).then().statusCode(200)
                .body("status", is("ignored")).body("reason", is("installation 888 is not assigned to a tenant "
                        + "(triggers.github-app.installations)"));
        deliver("ping", UUID.randomUUID().toString(), "{\"zen\":\"Keep it logically awesome.\",\"hook_id\":1}")
                .then().statusCode(200).body("reason", is("ping"));
        // An App endpoint takes nothing on its own URL.
        WebhookIngressTest.deliverGithub(id, APP_SECRET, "push", UUID.randomUUID().toString(), body)
                .then().statusCode(403).body("code", is("github_app_endpoint"));
        // It has no secret of its own, and answers GitHub at once.
        given().header("Authorization", WebhookIngressTest.ADMIN).contentType("application/json")
                .body("{\"name\":\"x\",\"tenantId\":\"" + TENANT + "\",\"eventName\":\"x\",\"auth\":{\"type\":"
                        + "\"github-app\"},\"secret\":\"my-own-secret\",\"responseMode\":\"sync\"}")
                .when().post("/api/v1/endpoints")
                .then().statusCode(422).body("errors.field", org.hamcrest.Matchers.hasItems("secret", "responseMode"));
    }
}
