package io.agenttriggers.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Kubernetes manifests (deploy/k8s) as a reviewer of a production change reads them: every overlay renders, every
 * object parses strictly into the Kubernetes model, and every service's Deployment has its probes, resources,
 * security context, graceful termination, a port and environment consistent with the service's own configuration.
 */
class KubernetesManifestsTest {

    static final Path K8S = DockerComposeTest.ROOT.resolve("deploy/k8s");
    /** The services (name = module directory) the base deploys. */
    static final Set<String> SERVICES = Set.of("webhook-gateway", "api-gateway", "cron-service", "queue-consumer",
            "governance-service", "agent-dispatcher", "console");
    /** Custom resources the manifests may hold; the model has no classes for them. */
    static final Set<String> CUSTOM_KINDS = Set.of("ScaledObject");
    /** Read by the image's start script (run-java.sh), not by the service's configuration. */
    static final Set<String> IMAGE_VARIABLES = Set.of("JAVA_OPTS_APPEND");
    static final Pattern IMAGE = Pattern.compile("agent-triggers/([a-z-]+?)(-native)?:[A-Za-z0-9._-]+");

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native", "local-infra"})
    void everyOverlayRendersIntoKnownObjectsWithoutUnknownFields(String overlay) throws Exception {
        List<HasMetadata> objects = KubernetesManifests.render(K8S.resolve("overlays").resolve(overlay));
        assertThat(objects).hasSizeGreaterThan(40);
        for (HasMetadata o : objects) {
            if (o instanceof GenericKubernetesResource) {
                assertThat(CUSTOM_KINDS).as("%s is not a kind the Kubernetes model knows", o.getKind())
                        .contains(o.getKind());
            }
            assertThat(KubernetesManifests.unknownFields(o)).as("unknown fields").isEmpty();
            assertThat(o.getMetadata().getNamespace()).as(o.getKind() + " " + o.getMetadata().getName())
                    .isIn("agent-triggers", null);
        }
        assertThat(objects).as("no Secret is ever committed with values").noneMatch(o -> o instanceof Secret);
        Namespace ns = only(objects, Namespace.class, "agent-triggers");
        assertThat(ns.getMetadata().getLabels()).containsKey("pod-security.kubernetes.io/enforce");
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native"})
    void everyServiceDeploymentIsProductionReady(String overlay) throws Exception {
        List<HasMetadata> objects = KubernetesManifests.render(K8S.resolve("overlays").resolve(overlay));
        List<Deployment> deployments = of(objects, Deployment.class);
        assertThat(deployments).extracting(d -> d.getMetadata().getName()).containsExactlyInAnyOrderElementsOf(SERVICES);
        assertThat(only(objects, Namespace.class, "agent-triggers").getMetadata().getLabels())
                .containsEntry("pod-security.kubernetes.io/enforce", "restricted");
        for (Deployment d : deployments) {
            String name = d.getMetadata().getName();
            int port = Integer.parseInt(ServiceConfigKeys.properties(DockerComposeTest.ROOT, name)
                    .getProperty("quarkus.http.port"));
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Container c = pod.getContainers().get(0);
            String what = overlay + " " + name;

            var image = IMAGE.matcher(c.getImage());
            assertThat(image.matches()).as(what + " image " + c.getImage()).isTrue();
            assertThat(image.group(1)).as(what + " image").isEqualTo(name);
            assertThat(image.group(2) != null).as(what + " native image").isEqualTo(overlay.equals("native"));
            assertThat(c.getPorts()).singleElement().satisfies(p -> {
                assertThat(p.getName()).isEqualTo("http");
                assertThat(p.getContainerPort()).as(what + " port").isEqualTo(port);
            });
            assertThat(env(c, "QUARKUS_HTTP_PORT")).isEqualTo(String.valueOf(port));

            probe(what + " startup", c.getStartupProbe(), "/q/health/started");
            probe(what + " readiness", c.getReadinessProbe(), "/q/health/ready");
            probe(what + " liveness", c.getLivenessProbe(), "/q/health/live");

            var resources = c.getResources();
            assertThat(resources.getRequests()).as(what + " requests").containsKeys("cpu", "memory");
            assertThat(resources.getLimits()).as(what + " limits").containsKeys("cpu", "memory");
            assertThat(resources.getRequests().get("memory").getNumericalAmount())
                    .isLessThanOrEqualTo(resources.getLimits().get("memory").getNumericalAmount());

            assertThat(pod.getSecurityContext().getRunAsNonRoot()).as(what + " runAsNonRoot").isTrue();
            assertThat(pod.getSecurityContext().getSeccompProfile().getType()).isEqualTo("RuntimeDefault");
            assertThat(pod.getAutomountServiceAccountToken()).as(what + " service account token").isFalse();
            assertThat(c.getSecurityContext().getAllowPrivilegeEscalation()).as(what).isFalse();
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).as(what).isTrue();
            assertThat(c.getSecurityContext().getCapabilities().getDrop()).as(what).containsExactly("ALL");
            assertThat(of(objects, ServiceAccount.class)).extracting(a -> a.getMetadata().getName())
                    .contains(pod.getServiceAccountName());

            // Terminating: endpoints stop routing during the preStop sleep, then Quarkus drains; both fit.
            List<String> preStop = c.getLifecycle().getPreStop().getExec().getCommand();
            assertThat(preStop).hasSize(2).first().isEqualTo("sleep");
            long drain = Long.parseLong(preStop.get(1))
                    + Duration.parse("PT" + configValue(objects, c, "QUARKUS_SHUTDOWN_TIMEOUT")).toSeconds();
            assertThat(pod.getTerminationGracePeriodSeconds()).as(what + " grace period").isGreaterThan(drain);
            assertThat(d.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"jvm", "native", "local-infra"})
    void everyVariableIsReadByItsServiceAndEveryReferenceResolves(String overlay) throws Exception {
        List<HasMetadata> objects = KubernetesManifests.render(K8S.resolve("overlays").resolve(overlay));
        String guide = Files.readString(DockerComposeTest.ROOT.resolve("docs/deployment.md"));
        // One shell command per line: continuation lines joined.
        String secretsScript = Files.readString(K8S.resolve("create-secrets.sh")).replaceAll("\\\\\n\\s*", " ");
        for (Deployment d : of(objects, Deployment.class)) {
            String name = d.getMetadata().getName();
            if (!SERVICES.contains(name)) {
                continue; // trial infrastructure of local-infra
            }
            Set<String> known = ServiceConfigKeys.knownVariables(DockerComposeTest.ROOT, name);
            PodSpec pod = d.getSpec().getTemplate().getSpec();
            Container c = pod.getContainers().get(0);
            for (EnvVar e : c.getEnv()) {
                assertThat(known.contains(e.getName()) || IMAGE_VARIABLES.contains(e.getName()))
                        .as("%s sets %s, which no config key of %s reads", name, e.getName(), name).isTrue();
                if (e.getValueFrom() != null && e.getValueFrom().getConfigMapKeyRef() != null) {
                    configValue(objects, c, e.getName());
                }
                if (e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null) {
                    var ref = e.getValueFrom().getSecretKeyRef();
                    assertThat(guide).as("docs/deployment.md names secret " + ref.getName())
                            .contains("`" + ref.getName() + "`");
                    assertThat(secretsScript).as("create-secrets.sh creates " + ref.getName() + "/" + ref.getKey())
                            .containsPattern("create " + Pattern.quote(ref.getName()) + " [^\\n]*\"?"
                                    + Pattern.quote(ref.getKey()) + "=");
                }
            }
            assertThat(c.getEnv()).extracting(EnvVar::getName).as(name + " sets a variable twice").doesNotHaveDuplicates();
            Map<String, Volume> volumes = pod.getVolumes().stream()
                    .collect(Collectors.toMap(Volume::getName, v -> v));
            for (VolumeMount m : c.getVolumeMounts()) {
                Volume v = volumes.get(m.getName());
                assertThat(v).as(name + " mounts volume " + m.getName()).isNotNull();
                if (v.getConfigMap() != null) {
                    ConfigMap map = only(objects, ConfigMap.class, v.getConfigMap().getName());
                    v.getConfigMap().getItems().forEach(item -> assertThat(map.getData()).containsKey(item.getKey()));
                }
            }
            for (EnvVar e : c.getEnv()) {
                if (e.getName().endsWith("_FILE")) {
                    assertThat(c.getVolumeMounts()).as(name + "'s " + e.getName() + " is mounted")
                            .anyMatch(m -> e.getValue().startsWith(m.getMountPath() + "/"));
                }
            }
        }
    }

    @Test
    void servicesBudgetsAndAutoscalersMatchTheirDeployments() throws Exception {
        List<HasMetadata> objects = KubernetesManifests.render(K8S.resolve("overlays/jvm"));
        for (Deployment d : of(objects, Deployment.class)) {
            String name = d.getMetadata().getName();
            Map<String, String> podLabels = d.getSpec().getTemplate().getMetadata().getLabels();
            assertThat(podLabels).containsEntry("app.kubernetes.io/part-of", "agent-triggers");
            Service service = only(objects, Service.class, name);
            assertThat(podLabels).containsAllEntriesOf(service.getSpec().getSelector());
            assertThat(service.getSpec().getPorts()).singleElement()
                    .satisfies(p -> assertThat(p.getTargetPort().getStrVal()).isEqualTo("http"));
            PodDisruptionBudget pdb = only(objects, PodDisruptionBudget.class, name);
            assertThat(podLabels).containsAllEntriesOf(pdb.getSpec().getSelector().getMatchLabels());
            HorizontalPodAutoscaler hpa = only(objects, HorizontalPodAutoscaler.class, name);
            assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo(name);
            assertThat(hpa.getSpec().getMinReplicas()).as(name + " keeps two replicas").isGreaterThanOrEqualTo(2);
            assertThat(hpa.getMetadata().getAnnotations()).as(name + " states its scaling rule")
                    .containsKey("agent-triggers.io/scaling");
        }
        NetworkPolicy deny = only(objects, NetworkPolicy.class, "agent-triggers-default-deny");
        assertThat(deny.getSpec().getPolicyTypes()).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(deny.getSpec().getIngress()).isEmpty();
        assertThat(deny.getSpec().getEgress()).isEmpty();
        assertThat(deny.getSpec().getPodSelector().getMatchLabels())
                .containsExactly(Map.entry("app.kubernetes.io/part-of", "agent-triggers"));
    }

    @Test
    void theConsoleIsReachableThroughItsIngressAndReachesEveryServiceItProxies() throws Exception {
        List<HasMetadata> objects = KubernetesManifests.render(K8S.resolve("overlays/jvm"));
        Ingress ingress = only(objects, Ingress.class, "console");
        var backend = ingress.getSpec().getRules().get(0).getHttp().getPaths().get(0).getBackend().getService();
        assertThat(backend.getName()).isEqualTo("console");
        assertThat(backend.getPort().getName()).isEqualTo("http");
        assertThat(ingress.getSpec().getTls()).as("served over TLS").isNotEmpty();
        assertThat(ingress.getMetadata().getAnnotations())
                .as("live decisions stream: the controller must not buffer them")
                .containsEntry("nginx.ingress.kubernetes.io/proxy-buffering", "off");

        Deployment console = only(objects, Deployment.class, "console");
        Container c = console.getSpec().getTemplate().getSpec().getContainers().get(0);
        // The services' ingress rules admit operators' tools by this label.
        assertThat(console.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("agent-triggers.io/client", "true");
        NetworkPolicy egress = only(objects, NetworkPolicy.class, "agent-triggers-console-egress");
        Map<String, Integer> allowed = egress.getSpec().getEgress().stream().collect(Collectors.toMap(
                rule -> rule.getTo().get(0).getPodSelector().getMatchLabels().get("app.kubernetes.io/name"),
                rule -> rule.getPorts().get(0).getPort().getIntVal()));
        Map<String, String> services = Map.of("API", "api-gateway", "WEBHOOK", "webhook-gateway",
                "CRON", "cron-service", "QUEUE", "queue-consumer", "GOVERNANCE", "governance-service",
                "DISPATCHER", "agent-dispatcher");
        for (var e : services.entrySet()) {
            String service = e.getValue();
            int port = Integer.parseInt(ServiceConfigKeys.properties(DockerComposeTest.ROOT, service)
                    .getProperty("quarkus.http.port"));
            String url = configValue(objects, c, "TRIGGERS_CONSOLE_" + e.getKey() + "_URL");
            assertThat(url).as("the console's URL of " + service)
                    .isEqualTo(("http://" + service + ":" + port).toUpperCase(Locale.ROOT));
            assertThat(allowed).as("the console may reach " + service).containsEntry(service, port);
        }
        assertThat(allowed).as("and nothing else").hasSize(services.size());
    }

    @Test
    void kedaScalesGovernanceAndTheDispatcherOnLagInsteadOfCpu() throws Exception {
        Path dir = DockerComposeTest.ROOT.resolve("deploy/e2e-tests/target/k8s-keda");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../../k8s/overlays/jvm
                components:
                  - ../../../k8s/components/keda
                """);
        List<HasMetadata> objects = KubernetesManifests.render(dir);
        List<GenericKubernetesResource> scaled = objects.stream()
                .filter(o -> o.getKind().equals("ScaledObject")).map(GenericKubernetesResource.class::cast).toList();
        assertThat(scaled).extracting(o -> o.getMetadata().getName())
                .containsExactlyInAnyOrder("governance-service", "agent-dispatcher");
        assertThat(of(objects, HorizontalPodAutoscaler.class)).extracting(h -> h.getMetadata().getName())
                .doesNotContain("governance-service", "agent-dispatcher").contains("webhook-gateway");
        for (GenericKubernetesResource s : scaled) {
            String name = s.getMetadata().getName();
            assertThat(s.<String>get("spec", "scaleTargetRef", "name")).isEqualTo(name);
            List<Map<String, Object>> triggers = s.get("spec", "triggers");
            @SuppressWarnings("unchecked")
            Map<String, String> kafka = (Map<String, String>) triggers.get(0).get("metadata");
            String channel = name.equals("governance-service") ? "triggers.inbound" : "triggers.approved";
            assertThat(kafka.get("topic")).isEqualTo(channel);
            assertThat(kafka.get("consumerGroup")).as("the group the service really consumes with").isEqualTo(
                    ServiceConfigKeys.properties(DockerComposeTest.ROOT, name)
                            .getProperty("mp.messaging.incoming.\"" + channel + "\".group.id"));
        }
    }

    private static void probe(String what, Probe probe, String path) {
        assertThat(probe).as(what + " probe").isNotNull();
        assertThat(probe.getHttpGet().getPath()).as(what + " path").isEqualTo(path);
        assertThat(probe.getHttpGet().getPort().getStrVal()).as(what + " port").isEqualTo("http");
    }

    private static String env(Container c, String name) {
        return c.getEnv().stream().filter(e -> e.getName().equals(name)).findFirst().map(EnvVar::getValue)
                .orElseThrow(() -> new AssertionError(c.getName() + " does not set " + name));
    }

    /** The value a config-map reference of the container resolves to; fails when the map or key is missing. */
    private static String configValue(List<HasMetadata> objects, Container c, String variable) {
        EnvVar e = c.getEnv().stream().filter(v -> v.getName().equals(variable)).findFirst()
                .orElseThrow(() -> new AssertionError(c.getName() + " does not set " + variable));
        var ref = e.getValueFrom().getConfigMapKeyRef();
        ConfigMap map = only(objects, ConfigMap.class, ref.getName());
        assertThat(map.getData()).as(c.getName() + "'s " + variable).containsKey(ref.getKey());
        return map.getData().get(ref.getKey()).toUpperCase(Locale.ROOT);
    }

    private static <T extends HasMetadata> List<T> of(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type, String name) {
        return of(objects, type).stream().filter(o -> o.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " " + name));
    }

    static {
        try {
            Files.createDirectories(DockerComposeTest.ROOT.resolve("deploy/e2e-tests/target"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
