package io.agenttriggers.queue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import org.elasticmq.rest.sqs.SQSRestServer;
import org.elasticmq.rest.sqs.SQSRestServerBuilder;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Real servers that run in the test JVM: GreenMail (IMAP and SMTP) and ElasticMQ (the SQS API). Declares the test
 * run's sqs and imap sources against them, with credentials the redaction test then looks for everywhere.
 */
public class InJvmServers implements QuarkusTestResourceLifecycleManager {

    public static final String SQS_SECRET = "sqs-secret-" + UUID.randomUUID();
    public static final String IMAP_PASSWORD = "imap-password-" + UUID.randomUUID();
    public static final String WRONG_IMAP_PASSWORD = "wrong-password-" + UUID.randomUUID();
    public static final String KAFKA_SECRET = "kafka-secret-" + UUID.randomUUID();
    public static final String AMQP_PASSWORD = "amqp-password-" + UUID.randomUUID();
    public static final String MAILBOX = "agent@triggers.test";
    public static final String INVOICES = "invoices@triggers.test";

    public static GreenMail mail;
    public static SQSRestServer sqsServer;
    public static String sqsEndpoint;
    public static String sqsQueueUrl;
    public static String sqsDeadLetterUrl;

    @Override
    public Map<String, String> start() {
        mail = new GreenMail(new ServerSetup[] {
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort(),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP).dynamicPort()});
        mail.start();
        mail.setUser(MAILBOX, MAILBOX, IMAP_PASSWORD);
        mail.setUser(INVOICES, INVOICES, IMAP_PASSWORD);

        sqsServer = SQSRestServerBuilder.withPort(0).withInterface("127.0.0.1").start();
        int sqsPort = sqsServer.waitUntilStarted().localAddress().getPort();
        sqsEndpoint = "http://127.0.0.1:" + sqsPort;
        try (SqsClient sqs = sqsClient()) {
            sqsQueueUrl = sqs.createQueue(r -> r.queueName("team-events")).queueUrl();
            sqsDeadLetterUrl = sqs.createQueue(r -> r.queueName("team-events-dead-letter")).queueUrl();
        }

        String p = "triggers.queue.sources.";
        Map<String, String> c = new HashMap<>();
        c.put(p + "sqs-team.type", "sqs");
        c.put(p + "sqs-team.sqs.queue-url", sqsQueueUrl);
        c.put(p + "sqs-team.sqs.endpoint", sqsEndpoint);
        c.put(p + "sqs-team.sqs.region", "elasticmq");
        c.put(p + "sqs-team.sqs.access-key-id", "test");
        c.put(p + "sqs-team.sqs.secret-access-key", SQS_SECRET);
        c.put(p + "sqs-team.sqs.wait-time", "PT1S");
        c.put(p + "sqs-team.dead-letter", sqsDeadLetterUrl);
        c.put(p + "sqs-team.event-name.json-path", "$.type");
        c.put(p + "sqs-team.tenant-id.header", "tenant");
        c.put(p + "sqs-team.tenant-id.default", "demo");
        c.put(p + "sqs-team.headers", "tenant");

        c.put(p + "imap-support.type", "imap");
        c.put(p + "imap-support.imap.host", "127.0.0.1");
        c.put(p + "imap-support.imap.port", String.valueOf(mail.getImap().getPort()));
        c.put(p + "imap-support.imap.ssl", "false");
        c.put(p + "imap-support.imap.username", MAILBOX);
        c.put(p + "imap-support.imap.password", IMAP_PASSWORD);
        c.put(p + "imap-support.imap.poll-interval", "PT0.3S");
        c.put(p + "imap-support.imap.subject", "[agent]");
        c.put(p + "imap-support.imap.after-publish", "move");
        c.put(p + "imap-support.imap.move-to", "Processed");
        c.put(p + "imap-support.event-name", "email.received");
        c.put(p + "imap-support.tenant-id", "acme");
        c.put(p + "imap-support.headers", "X-Ticket");

        // Mark-read after publishing, only mail from billing with an attachment.
        c.put(p + "imap-invoices.type", "imap");
        c.put(p + "imap-invoices.imap.host", "127.0.0.1");
        c.put(p + "imap-invoices.imap.port", String.valueOf(mail.getImap().getPort()));
        c.put(p + "imap-invoices.imap.ssl", "false");
        c.put(p + "imap-invoices.imap.username", INVOICES);
        c.put(p + "imap-invoices.imap.password", IMAP_PASSWORD);
        c.put(p + "imap-invoices.imap.poll-interval", "PT0.3S");
        c.put(p + "imap-invoices.imap.from", "billing@");
        c.put(p + "imap-invoices.imap.has-attachment", "true");
        c.put(p + "imap-invoices.event-name", "invoice.mailed");
        c.put(p + "imap-invoices.tenant-id", "acme");
        c.put(p + "imap-invoices.headers", "X-Ticket");

        // A mailbox with the wrong password: its login failures are logged and shown, its password never.
        c.put(p + "imap-wrong.type", "imap");
        c.put(p + "imap-wrong.imap.host", "127.0.0.1");
        c.put(p + "imap-wrong.imap.port", String.valueOf(mail.getImap().getPort()));
        c.put(p + "imap-wrong.imap.ssl", "false");
        c.put(p + "imap-wrong.imap.username", MAILBOX);
        c.put(p + "imap-wrong.imap.password", WRONG_IMAP_PASSWORD);
        c.put(p + "imap-wrong.imap.poll-interval", "PT1S");
        c.put(p + "imap-wrong.event-name", "email.received");
        c.put(p + "imap-wrong.tenant-id", "acme");
        // Backs off to 30 s: every failed login leaves GreenMail a session thread that keeps running, and at one a
        // second they starved the test JVM's event loops within minutes (requests took seconds, then timed out).
        c.put(p + "imap-wrong.retry.max-backoff", "PT30S");

        // An AMQP source with a wrong password, and a Kafka source carrying a credential property.
        c.put(p + "amqp-wrong.type", "amqp");
        c.put(p + "amqp-wrong.amqp.address", "never-read");
        c.put(p + "amqp-wrong.amqp.username", "guest");
        c.put(p + "amqp-wrong.amqp.password", AMQP_PASSWORD);
        c.put(p + "amqp-wrong.event-name", "x");
        c.put(p + "amqp-wrong.tenant-id", "acme");
        c.put(p + "amqp-wrong.retry.max-backoff", "PT2S");
        c.put(p + "kafka-team.kafka.properties.ssl.key.password", KAFKA_SECRET);
        c.put("quarkus.log.file.enabled", "true");
        c.put("quarkus.log.file.path", "target/queue-consumer-test.log");
        // The file gets the JSON form the Kubernetes manifests use; the console keeps the plain one.
        c.put("quarkus.log.file.json.enabled", "true");
        return c;
    }

    public static SqsClient sqsClient() {
        return SqsClient.builder()
                .endpointOverride(URI.create(sqsEndpoint))
                .region(Region.of("elasticmq"))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test")))
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .build();
    }

    @Override
    public void stop() {
        if (mail != null) {
            mail.stop();
        }
        if (sqsServer != null) {
            sqsServer.stopAndWait();
        }
    }
}
