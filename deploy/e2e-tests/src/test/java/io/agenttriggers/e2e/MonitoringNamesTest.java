package io.agenttriggers.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MonitoringNamesTest {

    @Test
    void readsMetricNamesNotFunctionsLabelsOrDurations() {
        assertThat(Monitoring.metricNames("histogram_quantile(0.99, sum by (le, path) "
                + "(rate(dispatcher_call_latency_seconds_bucket{service=~\"$service\",x=\"a b\"}[5m]))) > 10"))
                .containsExactly("dispatcher_call_latency_seconds_bucket");
        assertThat(Monitoring.metricNames("sum(rate(a_total[5m])) / sum(rate(b_total[5m])) > 0.02 and on (x) "
                + "max by (service) (deriv(c[10m])) > 1e3 or up == 0"))
                .containsExactly("a_total", "b_total", "c", "up");
        assertThat(Monitoring.metricNames("kube_deployment_spec_replicas{namespace=\"agent-triggers\"}\n"
                + "  - kube_deployment_status_replicas_ready{namespace=\"agent-triggers\"} > 0"))
                .containsExactly("kube_deployment_spec_replicas", "kube_deployment_status_replicas_ready");
    }
}
