package io.agenttriggers.governance.alerts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.standardwebhooks.Webhook;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.outbound.OutboundUrlPolicy;
import io.agenttriggers.common.outbound.RefusedUrlException;
import io.agenttriggers.governance.config.GovernanceConfig;
import io.quarkus.mailer.Mail;
import io.quarkus.mailer.reactive.ReactiveMailer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Iterator;

/**
 * Sends one notification through one channel: a webhook signed as Standard Webhooks ({@code webhook-id} is stable
 * across attempts, so a receiver can drop a repeat), a Slack incoming-webhook message, or an e-mail. URLs obey the
 * outbound URL policy on their text and, right before each call, on the addresses their host resolves to; redirects
 * are not followed, and an answer's body is never read.
 */
@ApplicationScoped
public class ChannelSender {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    @Inject
    OutboundUrlPolicy urls;

    @Inject
    ReactiveMailer mailer;

    @Inject
    AlertSecrets secrets;

    @Inject
    GovernanceConfig config;

    /** A channel as the sender needs it: its configuration and its opened secret, if any. */
    record Target(String type, AlertChannelSpec spec, String secret) {
    }

    Uni<Integer> send(Target target, String notificationId, String kind, String body) {
        return switch (target.type()) {
            case AlertChannelSpec.WEBHOOK -> webhook(target, notificationId, body);
            case AlertChannelSpec.SLACK -> post(target.secret(), EventJson.write(slack(EventJson.read(body,
                    JsonNode.class))), null);
            default -> email(target, EventJson.read(body, JsonNode.class));
        };
    }

    private Uni<Integer> webhook(Target target, String notificationId, String body) {
        String id = "msg_" + notificationId;
        long timestamp = System.currentTimeMillis() / 1000;
        String signature;
        try {
            signature = new Webhook(target.secret()).sign(id, timestamp, body);
        } catch (Exception e) {
            return Uni.createFrom().failure(new DeliveryFailure(false, null, "cannot sign: " + e.getMessage()));
        }
        return post(target.spec().url(), body, b -> b.header("webhook-id", id)
                .header("webhook-timestamp", Long.toString(timestamp)).header("webhook-signature", signature));
    }

    private Uni<Integer> post(String url, String body, java.util.function.Consumer<HttpRequest.Builder> headers) {
        URI uri;
        try {
            uri = urls.check(url);
        } catch (RefusedUrlException e) {
            return Uni.createFrom().failure(new DeliveryFailure(false, null, "the URL is refused: " + e.getMessage()));
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(config.alerts().deliveryTimeout())
                .header("Content-Type", "application/json").header("User-Agent", "agent-triggers-alerts")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (headers != null) {
            headers.accept(builder);
        }
        // The lookup blocks: on a worker thread, never on the event loop (as the dispatcher's fallback calls).
        return Uni.createFrom().item(() -> resolved(uri)).runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .chain(checked -> Uni.createFrom().completionStage(() -> http.sendAsync(builder.build(),
                        HttpResponse.BodyHandlers.discarding())))
                .onFailure(e -> !(e instanceof DeliveryFailure))
                .transform(e -> new DeliveryFailure(true, null, "unreachable: " + e.getClass().getSimpleName()
                        + (e.getMessage() == null ? "" : " " + e.getMessage())))
                .map(response -> {
                    int status = response.statusCode();
                    if (status >= 200 && status < 300) {
                        return status;
                    }
                    boolean retryable = status >= 500 || status == 408 || status == 429;
                    throw new DeliveryFailure(retryable, status, "answered " + status);
                });
    }

    private URI resolved(URI uri) {
        try {
            urls.checkResolved(uri);
            return uri;
        } catch (RefusedUrlException e) {
            throw new DeliveryFailure(false, null, "the URL is refused: " + e.getMessage());
        } catch (UnknownHostException e) {
            throw new DeliveryFailure(true, null, "its host " + uri.getHost() + " does not resolve");
        }
    }

    private Uni<Integer> email(Target target, JsonNode body) {
        Mail mail = Mail.withText(target.spec().to().get(0), subject(body), text(body))
                .setFrom(config.alerts().emailFrom());
        mail.setTo(target.spec().to());
        return mailer.send(mail).ifNoItem().after(config.alerts().deliveryTimeout()).fail()
                .onFailure().transform(e -> new DeliveryFailure(true, null, "SMTP: " + e.getMessage()))
                .replaceWith(250);
    }

    static String subject(JsonNode body) {
        String state = "alert.resolved".equals(body.path("type").asText()) ? "[RESOLVED]"
                : "alert.test".equals(body.path("type").asText()) ? "[TEST]" : "[FIRING]";
        return state + " " + body.path("ruleName").asText() + " — " + body.path("groupKey").asText();
    }

    static String text(JsonNode body) {
        StringBuilder text = new StringBuilder(body.path("summary").asText()).append("\n\n");
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!"summary".equals(name)) {
                text.append(name).append(": ").append(body.get(name).isTextual() ? body.get(name).asText()
                        : body.get(name).toString()).append('\n');
            }
        }
        return text.toString();
    }

    /** A Slack message: the summary, the key facts as fields, and the link. */
    static ObjectNode slack(JsonNode body) {
        ObjectNode message = EventJson.MAPPER.createObjectNode();
        String headline = subject(body) + ": " + body.path("summary").asText();
        message.put("text", headline);
        ArrayNode blocks = message.putArray("blocks");
        ObjectNode section = blocks.addObject();
        section.put("type", "section");
        section.putObject("text").put("type", "mrkdwn").put("text", "*" + headline + "*");
        ArrayNode fields = section.putArray("fields");
        for (String name : new String[] { "tenantId", "ruleKind", "count", "episode", "startedAt" }) {
            if (body.hasNonNull(name)) {
                fields.addObject().put("type", "mrkdwn").put("text", "*" + name + "*\n" + body.get(name).asText());
            }
        }
        JsonNode runs = body.path("runIds");
        if (runs.isArray() && runs.size() > 0) {
            blocks.addObject().put("type", "context").putArray("elements").addObject().put("type", "mrkdwn")
                    .put("text", "runs: " + runs.toString());
        }
        if (body.hasNonNull("url")) {
            blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
                    .put("text", "<" + body.get("url").asText() + "|Open the alert>");
        }
        return message;
    }
}
