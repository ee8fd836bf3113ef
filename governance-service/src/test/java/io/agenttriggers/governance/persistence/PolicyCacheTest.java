package io.agenttriggers.governance.persistence;

import static io.agenttriggers.governance.GovernanceTesting.ADMIN;
import static io.agenttriggers.governance.GovernanceTesting.createPolicy;
import static io.agenttriggers.governance.GovernanceTesting.tenant;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.agenttriggers.governance.domain.CompiledPolicy;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A reload compiles only the policies that changed. */
@QuarkusTest
class PolicyCacheTest {

    @Inject
    PolicyCache cache;

    static String policy(String tenant, String name, String eventName) {
        return "{\"name\":\"" + name + "\",\"tenantId\":\"" + tenant + "\",\"match\":{\"condition\":"
                + "\"event.eventName == '" + eventName + "'\"}}";
    }

    static CompiledPolicy find(List<CompiledPolicy> set, String id) {
        return set.stream().filter(c -> c.policy().id().equals(id)).findFirst().orElseThrow();
    }

    @Test
    void anUnchangedPolicyKeepsItsCompiledFormAcrossReloads() {
        String t = tenant("cache");
        String kept = createPolicy(policy(t, "kept", "a"));
        String changed = createPolicy(policy(t, "changed", "b"));
        List<CompiledPolicy> before = refreshed();
        given().header("Authorization", ADMIN).contentType("application/json")
                .body(policy(t, "changed", "c"))
                .put("/api/v1/policies/" + changed).then().statusCode(200);
        List<CompiledPolicy> after = refreshed();

        assertThat(find(after, kept)).as("not compiled again").isSameAs(find(before, kept));
        assertThat(find(after, changed)).isNotSameAs(find(before, changed));
        assertThat(find(after, changed).version()).isEqualTo(2);
    }

    List<CompiledPolicy> refreshed() {
        cache.refresh().await().atMost(Duration.ofSeconds(10));
        return cache.current().await().atMost(Duration.ofSeconds(10));
    }
}
