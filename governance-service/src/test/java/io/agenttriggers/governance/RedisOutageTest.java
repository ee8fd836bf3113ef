package io.agenttriggers.governance;

import static io.agenttriggers.governance.GovernanceTesting.createPolicy;
import static io.agenttriggers.governance.GovernanceTesting.decision;
import static io.agenttriggers.governance.GovernanceTesting.event;
import static io.agenttriggers.governance.GovernanceTesting.send;
import static io.agenttriggers.governance.GovernanceTesting.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.common.event.TriggerEvent;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Redis cut mid-test: each policy's onUnavailable decides, the audit says so, and nothing is dropped. */
@QuarkusTest
@TestProfile(RedisOutageTest.Profile.class)
@QuarkusTestResource(value = RedisProxy.class, restrictToAnnotatedClass = true)
class RedisOutageTest {

    public static class Profile implements QuarkusTestProfile {
        @Override
        public String getConfigProfile() {
            return "test";
        }
    }

    @AfterEach
    void restore() {
        RedisProxy.restore();
    }

    @Test
    void failClosedPoliciesRejectFailOpenOnesAreSkippedAndBothAreAudited() {
        String t = tenant("outage");
        createPolicy("{\"name\":\"strict\",\"tenantId\":\"" + t + "\",\"match\":{\"eventNames\":[\"strict.*\"]},"
                + "\"rateLimit\":{\"limit\":100,\"period\":\"PT1M\"},\"onUnavailable\":\"fail-closed\"}");
        createPolicy("{\"name\":\"lenient\",\"tenantId\":\"" + t + "\",\"match\":{\"eventNames\":[\"lenient.*\"]},"
                + "\"quota\":{\"maxRunsPerDay\":100},\"onUnavailable\":\"fail-open\"}");
        assertThat(decision(send(event(t, "strict.before"))).getString("verdict")).isEqualTo("approved");

        RedisProxy.cut();
        JsonPath strict = decision(send(event(t, "strict.during")));
        assertThat(strict.getString("verdict")).isEqualTo("rejected");
        assertThat(strict.getString("reason")).isEqualTo("governance_unavailable");
        assertThat(strict.getString("policyName")).isEqualTo("strict");
        assertThat(strict.getString("retryAfter")).isEqualTo("PT5S");
        JsonPath lenient = decision(send(event(t, "lenient.during")));
        assertThat(lenient.getString("verdict")).isEqualTo("approved");
        assertThat(lenient.getBoolean("degraded")).isTrue();
        assertThat(lenient.getString("detail")).contains("lenient");
        String metrics = given().when().get("/q/metrics").then().extract().asString();
        assertThat(metrics.lines().filter(l -> l.startsWith("governance_redis_unavailable_total"))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum()).isPositive();

        RedisProxy.restore();
        TriggerEvent after = org.awaitility.Awaitility.await().atMost(30, java.util.concurrent.TimeUnit.SECONDS)
                .pollInterval(500, java.util.concurrent.TimeUnit.MILLISECONDS)
                .until(() -> send(event(t, "strict.after")), e -> "approved".equals(decision(e).getString("verdict")));
        assertThat(decision(after).getBoolean("degraded")).isFalse();
    }
}
