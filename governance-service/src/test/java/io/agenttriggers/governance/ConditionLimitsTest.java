package io.agenttriggers.governance;

import static io.agenttriggers.governance.GovernanceTesting.ADMIN;
import static io.agenttriggers.governance.GovernanceTesting.createPolicy;
import static io.agenttriggers.governance.GovernanceTesting.decision;
import static io.agenttriggers.governance.GovernanceTesting.send;
import static io.agenttriggers.governance.GovernanceTesting.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasItem;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

/** A policy condition that an event's payload makes too costly is stopped, and the policy's fail mode decides. */
@QuarkusTest
class ConditionLimitsTest {

    static final String QUADRATIC = "event.payload.items.all(x, event.payload.items.all(y, x + y >= 0))";

    static TriggerEvent withItems(String tenant, String eventName, int n) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        ArrayNode items = payload.putArray("items");
        for (int i = 0; i < n; i++) {
            items.add(i);
        }
        return TriggerEvent.builder(TriggerType.API, "/api/hello", eventName, tenant).data(TriggerData.of(payload))
                .build();
    }

    @Test
    void refusesAConditionEstimatedTooExpensiveNamingTheField() {
        given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"name\":\"cubic\",\"tenantId\":\"" + tenant("cubic") + "\",\"match\":{\"condition\":"
                        + "\"event.payload.items.all(x, event.payload.items.all(y, event.payload.items.all(z, z >= 0)))\"}}")
                .when().post("/api/v1/policies")
                .then().statusCode(422).body("errors.field", hasItem("match.condition"))
                .body("errors.message", hasItem(containsString("too expensive")));
    }

    @Test
    void aFailClosedPolicyRejectsAnEventItsConditionCannotAffordAndAFailOpenOneLetsItPass() {
        String strict = tenant("strict");
        createPolicy("{\"name\":\"strict\",\"tenantId\":\"" + strict + "\",\"action\":\"deny\",\"match\":{\"condition\":\""
                + QUADRATIC + "\"}}");
        JsonPath rejected = decision(send(withItems(strict, "big", 3_000)));
        assertThat(rejected.getString("verdict")).isEqualTo("rejected");
        assertThat(rejected.getString("reason")).isEqualTo("policy_error");
        assertThat(rejected.getString("detail")).contains("fails closed");
        // The same policy on a small payload is evaluated as written (and denies).
        assertThat(decision(send(withItems(strict, "small", 10))).getString("reason")).isEqualTo("denied");

        String lenient = tenant("lenient");
        createPolicy("{\"name\":\"lenient\",\"tenantId\":\"" + lenient + "\",\"action\":\"deny\",\"onUnavailable\":"
                + "\"fail-open\",\"match\":{\"condition\":\"" + QUADRATIC + "\"}}");
        assertThat(decision(send(withItems(lenient, "big", 3_000))).getString("verdict")).isEqualTo("approved");
    }
}
