package io.agenttriggers.api;

import static io.restassured.RestAssured.given;

import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.testing.KafkaTestClient;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.UUID;
import org.eclipse.microprofile.config.ConfigProvider;

/** Helpers shared by the api-gateway's HTTP tests. */
final class Api {

    static final String ADMIN = "Bearer test-admin-token";

    private Api() {
    }

    /** A fresh tenant, so tests never see each other's triggers, keys or runs. */
    static String tenant() {
        return "t-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static String inbound() {
        return ConfigProvider.getConfig().getValue("mp.messaging.outgoing.\"triggers.inbound\".topic", String.class);
    }

    static String outcomes() {
        return ConfigProvider.getConfig().getValue("mp.messaging.incoming.\"triggers.outcomes\".topic", String.class);
    }

    /** Registers an API trigger and answers its id (fails the test unless 201). */
    static String register(String json) {
        return given().header("Authorization", ADMIN).contentType("application/json").body(json)
                .when().post("/admin/v1/api-triggers")
                .then().statusCode(201)
                .extract().path("id");
    }

    static Response registerRaw(String json) {
        return given().header("Authorization", ADMIN).contentType("application/json").body(json)
                .when().post("/admin/v1/api-triggers");
    }

    /** Creates an API key and answers the key itself. */
    static String key(String tenant, String triggersJson) {
        return given().header("Authorization", ADMIN).contentType("application/json")
                .body("{\"tenantId\":\"" + tenant + "\",\"name\":\"k\"" + (triggersJson == null ? ""
                        : ",\"triggers\":" + triggersJson) + "}")
                .when().post("/admin/v1/api-keys")
                .then().statusCode(201)
                .extract().path("key");
    }

    /** The event of a run, as published on the inbound topic. */
    static TriggerEvent event(String runId) {
        return TriggerEventCodec.fromCloudEvent(KafkaTestClient.awaitRecord(inbound(),
                r -> runId.equals(r.value().getId()), Duration.ofSeconds(20)).value());
    }
}
