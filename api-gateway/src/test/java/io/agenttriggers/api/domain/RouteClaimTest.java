package io.agenttriggers.api.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Which claims may be served side by side: a tenant orders its own routes, never another tenant's. */
class RouteClaimTest {

    private static RouteClaim claim(String tenant, String method, String path) {
        return new RouteClaim(tenant, method, PathTemplate.parse(path));
    }

    @Test
    void anotherTenantsLiteralInsideATemplateConflicts() {
        assertThat(claim("a", "POST", "/orders/42").conflictsWith(claim("b", "POST", "/orders/{id}"))).isTrue();
        assertThat(claim("b", "POST", "/orders/{id}").conflictsWith(claim("a", "POST", "/orders/42"))).isTrue();
        assertThat(claim("a", "POST", "/orders/{x}").conflictsWith(claim("b", "post", "/{y}/42"))).isTrue();
    }

    @Test
    void theSameTenantMayPlaceALiteralBesideItsTemplateButNotTheSameShape() {
        assertThat(claim("a", "POST", "/orders/42").conflictsWith(claim("a", "POST", "/orders/{id}"))).isFalse();
        assertThat(claim("a", "POST", "/orders/{x}").conflictsWith(claim("a", "POST", "/orders/{id}"))).isTrue();
    }

    @Test
    void disjointPathsAndOtherMethodsNeverConflict() {
        assertThat(claim("a", "POST", "/orders/42").conflictsWith(claim("b", "POST", "/orders/43"))).isFalse();
        assertThat(claim("a", "POST", "/orders/{id}/x").conflictsWith(claim("b", "POST", "/orders/{id}"))).isFalse();
        assertThat(claim("a", "GET", "/orders/42").conflictsWith(claim("b", "POST", "/orders/{id}"))).isFalse();
    }
}
