package io.agenttriggers.cron.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import io.agenttriggers.cron.persistence.ScheduleFile;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The declarative schedules file: applied whole or not at all, its schedules refuse REST edits. */
@QuarkusTest
@QuarkusTestResource(Backends.class)
class ScheduleFileTest {

    @Inject
    ScheduleFile file;

    ScheduleFile.Applied apply(String yaml, Map<String, String> env) {
        return file.reconcile(yaml, env::get).await().atMost(Duration.ofSeconds(20));
    }

    @Test
    void createsUpdatesAndDeletesWhatTheFileSays() {
        String tenant = ScheduleResourceTest.tenant();
        ScheduleFile.Applied first = apply("""
                schedules:
                  - tenantId: %1$s
                    name: nightly
                    eventName: report.nightly
                    expression: ${NIGHTLY:0 2 * * *}
                    timezone: Europe/Berlin
                  - tenantId: %1$s
                    name: hourly
                    eventName: report.hourly
                    expression: "@hourly"
                """.formatted(tenant), Map.of());
        assertThat(first.errors()).isEmpty();
        assertThat(first.created()).isEqualTo(2);
        String id = given().header("Authorization", ScheduleResourceTest.ADMIN)
                .get("/api/v1/schedules?tenantId=" + tenant + "&eventName=report.nightly")
                .then().statusCode(200).body("items", hasSize(1)).body("items[0].managedBy", is("file"))
                .body("items[0].expression", is("0 2 * * *")).extract().path("items[0].id");
        given().header("Authorization", ScheduleResourceTest.ADMIN).delete("/api/v1/schedules/" + id)
                .then().statusCode(409).body("code", is("managed_by_file"));

        ScheduleFile.Applied second = apply("""
                schedules:
                  - tenantId: %1$s
                    name: nightly
                    eventName: report.nightly
                    expression: ${NIGHTLY}
                    timezone: Europe/Berlin
                """.formatted(tenant), Map.of("NIGHTLY", "0 3 * * *"));
        assertThat(second.errors()).isEmpty();
        assertThat(second.updated()).isEqualTo(1);
        assertThat(second.deleted()).isGreaterThanOrEqualTo(1);
        given().header("Authorization", ScheduleResourceTest.ADMIN).get("/api/v1/schedules/" + id)
                .then().statusCode(200).body("expression", is("0 3 * * *")).body("version", is(2));
        given().header("Authorization", ScheduleResourceTest.ADMIN)
                .get("/api/v1/schedules?tenantId=" + tenant + "&eventName=report.hourly")
                .then().body("items", hasSize(0));
    }

    @Test
    void anInvalidFileChangesNothing() {
        String tenant = ScheduleResourceTest.tenant();
        ScheduleFile.Applied applied = apply("""
                schedules:
                  - tenantId: %1$s
                    name: ok
                    eventName: e
                    expression: "* * * * *"
                  - tenantId: %1$s
                    eventName: e
                    expression: "61 * * * *"
                """.formatted(tenant), Map.of());
        assertThat(applied.errors()).anyMatch(e -> e.startsWith("schedules[1].expression"))
                .anyMatch(e -> e.startsWith("schedules[1].name"));
        given().header("Authorization", ScheduleResourceTest.ADMIN).get("/api/v1/schedules?tenantId=" + tenant)
                .then().body("items", hasSize(0));
    }
}
