package io.agenttriggers.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * Docker cannot run on the development machines, so docker-compose.yml is checked here: it parses, every service is
 * built from a real module, every environment variable it sets maps to a config key that service really reads,
 * infrastructure has health checks and services wait for them.
 */
class DockerComposeTest {

    static final Path ROOT = root();

    static Path root() {
        String configured = System.getProperty("triggers.repo.root");
        return configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent().getParent();
    }

    @SuppressWarnings("unchecked")
    static Map<String, Map<String, Object>> services() throws IOException {
        try (Reader in = Files.newBufferedReader(ROOT.resolve("docker-compose.yml"))) {
            Map<String, Object> compose = new Yaml().load(in);
            return (Map<String, Map<String, Object>>) compose.get("services");
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyEnvironmentVariableMapsToARealConfigKeyOfItsService() throws IOException {
        int checked = 0;
        for (Map.Entry<String, Map<String, Object>> service : services().entrySet()) {
            Map<String, Object> build = (Map<String, Object>) service.getValue().get("build");
            if (build == null) {
                continue; // infrastructure images
            }
            String module = (String) ((Map<String, Object>) build.get("args")).get("MODULE");
            assertThat(ROOT.resolve(module).resolve("pom.xml")).as("module of " + service.getKey()).exists();
            assertThat(ROOT.resolve((String) build.get("dockerfile"))).exists();
            Set<String> known = ServiceConfigKeys.knownVariables(ROOT, module);
            Map<String, Object> env = (Map<String, Object>) service.getValue().getOrDefault("environment", Map.of());
            for (String variable : env.keySet()) {
                assertThat(known).as("%s sets %s, which no config key of %s reads", service.getKey(), variable, module)
                        .contains(variable);
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(20);
    }

    @Test
    void everyReactorModuleThatIsAServiceIsInCompose() throws IOException {
        String pom = Files.readString(ROOT.resolve("pom.xml"));
        Set<String> built = new HashSet<>();
        services().values().forEach(s -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> build = (Map<String, Object>) s.get("build");
            if (build != null) {
                @SuppressWarnings("unchecked")
                Map<String, Object> args = (Map<String, Object>) build.get("args");
                built.add((String) args.get("MODULE"));
            }
        });
        for (String module : List.of("webhook-gateway", "api-gateway", "cron-service", "queue-consumer",
                "governance-service", "agent-dispatcher", "deploy/runtime-simulator", "console")) {
            assertThat(pom).contains("<module>" + module + "</module>");
            assertThat(built).as("compose builds " + module).contains(module);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void servicesWaitForHealthyDependencies() throws IOException {
        Map<String, Map<String, Object>> services = services();
        for (String infra : List.of("kafka", "postgres", "redis", "rabbitmq")) {
            assertThat(services.get(infra)).as(infra).containsKey("healthcheck");
            assertThat((String) services.get(infra).get("image")).as(infra + " uses an official image")
                    .matches("(apache/kafka|postgres|redis|rabbitmq):.+");
        }
        for (Map.Entry<String, Map<String, Object>> service : services.entrySet()) {
            Object dependsOn = service.getValue().get("depends_on");
            if (dependsOn == null) {
                continue;
            }
            ((Map<String, Map<String, Object>>) dependsOn).forEach((target, condition) -> {
                assertThat(services).as(service.getKey() + " depends on " + target).containsKey(target);
                assertThat(condition.get("condition")).as(service.getKey() + " → " + target)
                        .isIn("service_healthy", "service_completed_successfully");
            });
        }
        assertThat(services.get("api-gateway")).containsKey("depends_on");
    }

    @Test
    void envNamesFollowTheQuarkusMapping() {
        assertThat(ServiceConfigKeys.envName("quarkus.rest-client.agent-runtime.url"))
                .isEqualTo("QUARKUS_REST_CLIENT_AGENT_RUNTIME_URL");
        assertThat(ServiceConfigKeys.envName("mp.messaging.incoming.\"triggers.inbound\".topic"))
                .isEqualTo("MP_MESSAGING_INCOMING__TRIGGERS_INBOUND__TOPIC");
        assertThat(ServiceConfigKeys.envName("amqp-host")).isEqualTo("AMQP_HOST");
        assertThat(ServiceConfigKeys.envName("triggers.outbound.allow")).isEqualTo("TRIGGERS_OUTBOUND_ALLOW");
    }
}
