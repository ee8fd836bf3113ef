package io.agenttriggers.e2e;

import java.io.File;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * Starts the real service processes from their fast-jars (target/quarkus-app) on free ports, against the local
 * Kafka, PostgreSQL, Redis and RabbitMQ, with topics and consumer groups of their own so that a running local stack
 * or other tests never see this run's events.
 */
final class StackProcesses {

    static final String ADMIN_TOKEN = "e2e-" + UUID.randomUUID();
    /** A token with the viewer role over {@link #VIEWER_TENANT} only, known to every service. */
    static final String VIEWER_TOKEN = "e2e-viewer-" + UUID.randomUUID();
    static final String SECRETS_KEY = java.util.Base64.getEncoder().encodeToString(
            UUID.randomUUID().toString().substring(0, 32).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    static final String SUFFIX = UUID.randomUUID().toString().substring(0, 8);
    static final Map<String, String> TOPICS = Map.of(
            "triggers.inbound", "e2e.inbound." + SUFFIX,
            "triggers.approved", "e2e.approved." + SUFFIX,
            "triggers.rejected", "e2e.rejected." + SUFFIX,
            "triggers.outcomes", "e2e.outcomes." + SUFFIX,
            "triggers.dlq", "e2e.dlq." + SUFFIX,
            "triggers.signals", "e2e.signals." + SUFFIX);
    /** The team topic the queue-consumer's e2e-team source reads. */
    static final String TEAM_TOPIC = "e2e.team." + SUFFIX;
    /** The RabbitMQ queue the queue-consumer's e2e-rabbit source reads (AMQP 0-9-1, declared by the source). */
    static final String RABBIT_QUEUE = "e2e-rabbit-" + SUFFIX;
    /** The one tenant {@link #VIEWER_TOKEN} may read. */
    static final String VIEWER_TENANT = "viewed-" + SUFFIX;

    /** name → module directory, in start order. */
    static final Map<String, String> MODULES = new LinkedHashMap<>();

    static {
        MODULES.put("runtime-simulator", "deploy/runtime-simulator");
        MODULES.put("agent-dispatcher", "agent-dispatcher");
        MODULES.put("governance-service", "governance-service");
        MODULES.put("api-gateway", "api-gateway");
        MODULES.put("webhook-gateway", "webhook-gateway");
        MODULES.put("cron-service", "cron-service");
        MODULES.put("queue-consumer", "queue-consumer");
        MODULES.put("console", "console");
    }

    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    private final Map<String, String> modules = new LinkedHashMap<>();
    private final Path root;
    private final Path logs;

    /** Every service of the stack but the console (which only the browser tests need). */
    StackProcesses() {
        this(MODULES.keySet().stream().filter(s -> !s.equals("console")).toArray(String[]::new));
    }

    /** Only the named services (names of {@link #MODULES}). */
    StackProcesses(String... services) {
        String configured = System.getProperty("triggers.repo.root");
        root = configured != null ? Path.of(configured) : Path.of("").toAbsolutePath().getParent().getParent();
        logs = Path.of("target", "e2e-logs").toAbsolutePath();
        for (String s : services) {
            modules.put(s, MODULES.get(s));
        }
    }

    String url(String service) {
        Integer port = ports.get(service);
        if (port == null) {
            throw new IllegalStateException(service + " is not one of this stack's services " + modules.keySet());
        }
        return "http://127.0.0.1:" + port;
    }

    /** The services this stack starts, in start order. */
    Set<String> services() {
        return modules.keySet();
    }

    /** The repository's root directory. */
    Path root() {
        return root;
    }

    Path log(String service) {
        return logs.resolve(service + ".log");
    }

    void start() throws IOException {
        Files.createDirectories(logs);
        for (String name : modules.keySet()) {
            ports.put(name, freePort());
        }
        for (Map.Entry<String, String> e : modules.entrySet()) {
            launch(e.getKey(), e.getKey());
        }
        for (String name : modules.keySet()) {
            awaitReady(name);
        }
    }

    /**
     * Starts one more replica of a service, configured like it (same topics, groups and cluster), on a port of its
     * own; {@code name} tells the replicas apart (URLs, logs).
     */
    void startReplica(String name, String service) throws IOException {
        ports.put(name, freePort());
        launch(name, service);
        awaitReady(name);
    }

    /** Starts a stopped service again on its own port (callers keep its URL). */
    void restart(String name) throws IOException {
        launch(name, name);
        awaitReady(name);
    }

    /** Kills a process the hard way (SIGKILL: no shutdown hooks, nothing flushed). */
    void kill(String name) throws InterruptedException {
        Process p = processes.remove(name);
        p.destroyForcibly();
        p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS);
    }

    private void launch(String name, String service) throws IOException {
        Path jar = root.resolve(MODULES.get(service)).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build the modules first (./mvnw package)");
        }
        List<String> command = new ArrayList<>(List.of(javaBinary(), "-Xmx256m", "-XX:+UseSerialGC"));
        properties(service).forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-Dquarkus.http.port=" + ports.get(name));
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log(name).toFile());
        pb.environment().put("TRIGGERS_ADMIN_TOKEN", ADMIN_TOKEN);
        pb.environment().put("TRIGGERS_SECRETS_KEY", SECRETS_KEY);
        processes.put(name, pb.start());
    }

    private void awaitReady(String name) {
        org.awaitility.Awaitility.await(name + " ready (log: " + log(name) + ")")
                .atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(250))
                .until(() -> ready(name));
    }

    private Map<String, String> properties(String service) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("quarkus.http.host", "127.0.0.1");
        String viewer = "triggers.auth.tokens.e2e-viewer.";
        p.put(viewer + "token", VIEWER_TOKEN);
        p.put(viewer + "role", "viewer");
        p.put(viewer + "tenants", VIEWER_TENANT);
        // Every service's dead letters (failure-strategy dead-letter-queue) go to this run's topic.
        p.put("triggers.dead-letters.topic", TOPICS.get("triggers.dlq"));
        // Signals for the tenants' alerts: only the services that publish them declare the channel (a channel
        // configured where no code declares it fails the start).
        if (List.of("cron-service", "webhook-gateway", "agent-dispatcher").contains(service)) {
            p.put(channel("outgoing", "triggers.signals"), TOPICS.get("triggers.signals"));
        }
        switch (service) {
            case "api-gateway" -> {
                p.put(channel("outgoing", "triggers.inbound"), TOPICS.get("triggers.inbound"));
                p.put(channel("incoming", "triggers.outcomes"), TOPICS.get("triggers.outcomes"));
                p.put("quarkus.rest-client.dispatcher.url", url("agent-dispatcher"));
                if (ports.containsKey("cron-service")) {
                    p.put("quarkus.rest-client.cron.url", url("cron-service"));
                }
                if (ports.containsKey("webhook-gateway")) {
                    p.put("quarkus.rest-client.webhook.url", url("webhook-gateway"));
                }
                if (ports.containsKey("governance-service")) {
                    p.put("quarkus.rest-client.governance.url", url("governance-service"));
                }
                if (ports.containsKey("queue-consumer")) {
                    p.put("quarkus.rest-client.queue.url", url("queue-consumer"));
                }
            }
            case "cron-service" -> {
                p.put(channel("outgoing", "triggers.inbound"), TOPICS.get("triggers.inbound"));
                p.put(channel("incoming", "triggers.outcomes"), TOPICS.get("triggers.outcomes"));
                p.put("mp.messaging.incoming.\"triggers.outcomes\".group.id", "e2e-cron-" + SUFFIX);
                p.put("triggers.cron-service.cluster", "e2e-" + SUFFIX);
                if (ports.containsKey("agent-dispatcher")) {
                    p.put("quarkus.rest-client.dispatcher.url", url("agent-dispatcher"));
                }
                if (ports.containsKey("governance-service")) {
                    p.put("quarkus.rest-client.governance.url", url("governance-service"));
                }
            }
            case "governance-service" -> {
                p.put(channel("incoming", "triggers.inbound"), TOPICS.get("triggers.inbound"));
                p.put("mp.messaging.incoming.\"triggers.inbound\".group.id", "e2e-governance-" + SUFFIX);
                for (String out : List.of("triggers.approved", "triggers.rejected", "triggers.outcomes")) {
                    p.put(channel("outgoing", out), TOPICS.get(out));
                }
                // Outcomes feed the circuit breakers and the tenants' alerts.
                for (String feedback : List.of("outcomes-feedback", "outcomes-alerts")) {
                    p.put("mp.messaging.incoming." + feedback + ".topic", TOPICS.get("triggers.outcomes"));
                    p.put("mp.messaging.incoming." + feedback + ".group.id", "e2e-" + feedback + "-" + SUFFIX);
                }
                p.put("mp.messaging.incoming.signals-alerts.topic", TOPICS.get("triggers.signals"));
                p.put("mp.messaging.incoming.signals-alerts.group.id", "e2e-signals-alerts-" + SUFFIX);
                // Alert channels of the tests post to receivers on loopback, which the URL policy refuses unless allowed.
                p.put("triggers.outbound.allow", "127.0.0.1");
                if (ports.containsKey("agent-dispatcher")) {
                    p.put("quarkus.rest-client.dispatcher.url", url("agent-dispatcher"));
                }
            }
            case "webhook-gateway" -> {
                p.put(channel("outgoing", "triggers.inbound"), TOPICS.get("triggers.inbound"));
                p.put(channel("incoming", "triggers.outcomes"), TOPICS.get("triggers.outcomes"));
            }
            case "queue-consumer" -> {
                p.put("triggers.queue-consumer.inbound-topic", TOPICS.get("triggers.inbound"));
                String src = "triggers.queue.sources.e2e-team.";
                p.put(src + "type", "kafka");
                p.put(src + "kafka.topic", TEAM_TOPIC);
                p.put(src + "kafka.group-id", "e2e-queue-" + SUFFIX);
                p.put(src + "kafka.start-offset", "earliest");
                p.put(src + "event-name.json-path", "$.type");
                p.put(src + "tenant-id.header", "tenant");
                p.put(src + "tenant-id.default", "demo");
                p.put(src + "dedup-key.json-path", "$.id");
                p.put(src + "concurrency", "2");
                String rabbit = "triggers.queue.sources.e2e-rabbit.";
                p.put(rabbit + "type", "rabbitmq");
                p.put(rabbit + "rabbitmq.queue", RABBIT_QUEUE);
                p.put(rabbit + "rabbitmq.prefetch", "50");
                p.put(rabbit + "rabbitmq.declare.queue-type", "quorum");
                p.put(rabbit + "event-name.json-path", "$.type");
                p.put(rabbit + "tenant-id.header", "tenant");
                p.put(rabbit + "tenant-id.default", "demo");
                p.put(rabbit + "dedup-key.header", "amqp.message-id");
            }
            case "agent-dispatcher" -> {
                p.put(channel("incoming", "triggers.approved"), TOPICS.get("triggers.approved"));
                p.put("mp.messaging.incoming.\"triggers.approved\".group.id", "e2e-dispatcher-" + SUFFIX);
                p.put(channel("outgoing", "triggers.outcomes"), TOPICS.get("triggers.outcomes"));
                p.put(channel("outgoing", "triggers.dlq"), TOPICS.get("triggers.dlq"));
                p.put(channel("incoming", "triggers.rejected"), TOPICS.get("triggers.rejected"));
                p.put("mp.messaging.incoming.\"triggers.rejected\".group.id", "e2e-dispatcher-rejected-" + SUFFIX);
                // Replays of dead letters go back to the approved topic.
                p.put("mp.messaging.outgoing.replays.topic", TOPICS.get("triggers.approved"));
                p.put("quarkus.rest-client.agent-runtime.url", url("runtime-simulator"));
                // The simulator listens on loopback, which the outbound URL policy refuses unless allowed.
                p.put("triggers.outbound.allow", "127.0.0.1");
            }
            case "console" -> {
                Map.of("api", "api-gateway", "webhook", "webhook-gateway", "cron", "cron-service",
                        "queue", "queue-consumer", "governance", "governance-service", "dispatcher", "agent-dispatcher")
                        .forEach((key, name) -> {
                            if (ports.containsKey(name)) {
                                p.put("triggers.console.services." + key, url(name));
                            }
                        });
            }
            default -> {
            }
        }
        return p;
    }

    private static String channel(String direction, String name) {
        return "mp.messaging." + direction + ".\"" + name + "\".topic";
    }

    /**
     * Every run of the dispatcher's ledger matching the query parameters (name, value, ...), all pages read with the
     * admin token.
     */
    List<Map<String, Object>> ledger(Object... query) {
        List<Map<String, Object>> out = new ArrayList<>();
        String cursor = null;
        do {
            var request = io.restassured.RestAssured.given().baseUri(url("agent-dispatcher"))
                    .header("Authorization", "Bearer " + ADMIN_TOKEN).queryParam("limit", 500);
            for (int i = 0; i < query.length; i += 2) {
                request.queryParam((String) query[i], query[i + 1]);
            }
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            io.restassured.path.json.JsonPath page = request.get("/api/v1/runs").then().statusCode(200).extract()
                    .jsonPath();
            List<Map<String, Object>> items = page.getList("items");
            out.addAll(items);
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        return out;
    }

    /** Whether a run status is final. */
    static boolean terminal(String status) {
        return !"queued".equals(status) && !"running".equals(status);
    }

    boolean ready(String service) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(url(service) + "/q/health/ready").toURL()
                    .openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(2000);
            return c.getResponseCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    void stop() {
        for (Process p : processes.values()) {
            p.destroy();
        }
        for (Process p : processes.values()) {
            try {
                if (!p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
            }
        }
        if (modules.containsValue("queue-consumer")) {
            deleteRabbitQueue();
        }
    }

    /** The e2e-rabbit source's quorum queue, once no replica consumes it (their recovery would declare it again). */
    private static void deleteRabbitQueue() {
        com.rabbitmq.client.ConnectionFactory factory = new com.rabbitmq.client.ConnectionFactory();
        factory.setHost("127.0.0.1");
        factory.setUsername("guest");
        factory.setPassword("guest");
        try (com.rabbitmq.client.Connection c = factory.newConnection("e2e-cleanup");
                com.rabbitmq.client.Channel ch = c.createChannel()) {
            ch.queueDelete(RABBIT_QUEUE);
        } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
            // Left behind: a queue of this run only, named by its suffix.
        }
    }

    private static String javaBinary() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
