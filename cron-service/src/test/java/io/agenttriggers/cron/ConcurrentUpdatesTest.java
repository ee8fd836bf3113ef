package io.agenttriggers.cron;

import static io.restassured.RestAssured.given;

import io.agenttriggers.common.testing.VersionRace;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URI;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * ETag/If-Match on a schedule under racing writers over a long history ({@link VersionRace}): one winner per version,
 * every loser a 412 problem, the winner's change and ETag shown, a stale ETag refused.
 */
@QuarkusTest
class ConcurrentUpdatesTest {

    static final String ADMIN = "Bearer test-admin-token";

    @TestHTTPResource("/")
    URI base;

    static String body(String tenant, String marker) {
        return "{\"tenantId\":\"" + tenant + "\",\"eventName\":\"report\",\"expression\":\"0 0 1 1 *\","
                + "\"enabled\":false,\"description\":\"" + marker + "\"}";
    }

    @Test
    void oneRacerWinsEachVersionAndTheOthersAreRefused() {
        String tenant = "race-" + UUID.randomUUID().toString().substring(0, 8);
        String id = given().header("Authorization", ADMIN).contentType("application/json")
                .body(body(tenant, "created")).when()
                .post("/api/v1/schedules").then().statusCode(201)
                .extract().path("id");
        VersionRace.on(base.resolve("/api/v1/schedules/" + id), ADMIN)
                .assertOneWinnerPerVersion(25, 4, (round, racer) -> body(tenant, VersionRace.marker(round, racer)));
    }
}
