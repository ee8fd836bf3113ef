package io.agenttriggers.common.quota;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TenantQuotaExceededTest {

    @Test
    void isA409NamingTheTenantTheLimitAndTheKeyThatSetsIt() {
        TenantQuotaExceeded e = new TenantQuotaExceeded("webhook endpoints", "acme", 500, 500,
                "triggers.webhook-gateway.max-endpoints-per-tenant");
        assertThat(e.status()).isEqualTo(409);
        assertThat(e.code()).isEqualTo("tenant_quota_exceeded");
        assertThat(e.getMessage()).isEqualTo("Tenant acme already has 500 webhook endpoints, the most it may have "
                + "(triggers.webhook-gateway.max-endpoints-per-tenant); delete one or ask an operator to raise the limit");
    }

    @Test
    void saysTheLimitWhenALoweredOneIsAlreadyPassedAndSpeaksOfGlobalOnesWithoutATenant() {
        assertThat(new TenantQuotaExceeded("schedules", "acme", 1200, 1000, "k").getMessage())
                .startsWith("Tenant acme already has 1200 schedules; the most it may have is 1000 (k)");
        TenantQuotaExceeded global = new TenantQuotaExceeded("policies", null, 1000, 1000, "k");
        assertThat(global.tenantId()).isNull();
        assertThat(global.getMessage()).startsWith("There are already 1000 global policies, the most there may be (k)");
    }
}
