package io.agenttriggers.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The services' own Kafka channel configuration, as production reads it (the end-to-end tests override topics, so
 * they cannot see this): a channel consumed with {@code concurrency} is split into channels named
 * {@code name$1}, {@code name$2}, ...; without an explicit {@code topic} those names would become the topics.
 */
class ChannelConfigTest {

    static final List<String> SERVICES = List.of("api-gateway", "webhook-gateway", "cron-service", "queue-consumer",
            "governance-service", "agent-dispatcher");

    @Test
    void everyConcurrentIncomingChannelNamesItsTopic() throws IOException {
        List<String> missing = new ArrayList<>();
        int concurrent = 0;
        for (String service : SERVICES) {
            Path file = DockerComposeTest.ROOT.resolve(service).resolve("src/main/resources/application.properties");
            Properties p = new Properties();
            try (Reader in = Files.newBufferedReader(file)) {
                p.load(in);
            }
            for (String key : p.stringPropertyNames()) {
                if (key.startsWith("mp.messaging.incoming.") && key.endsWith(".concurrency")) {
                    concurrent++;
                    String channel = key.substring(0, key.length() - ".concurrency".length());
                    if (p.getProperty(channel + ".topic") == null) {
                        missing.add(service + ": " + channel);
                    }
                }
            }
        }
        assertThat(concurrent).as("channels consumed with concurrency").isGreaterThan(0);
        assertThat(missing).as("concurrent channels without an explicit topic").isEmpty();
    }
}
