package io.agenttriggers.webhook.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerEventCodec;
import io.agenttriggers.common.problem.ProblemException;
import io.agenttriggers.webhook.config.WebhookGatewayConfig;
import io.agenttriggers.webhook.domain.BodyParser;
import io.agenttriggers.webhook.domain.CelFilter;
import io.agenttriggers.webhook.domain.Transformer;
import io.agenttriggers.webhook.domain.Deliveries;
import io.agenttriggers.webhook.domain.DeliveryIds;
import io.agenttriggers.webhook.domain.Endpoint;
import io.agenttriggers.webhook.domain.SignatureVerifier;
import io.agenttriggers.webhook.domain.Verification;
import io.cloudevents.CloudEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/** Runs a sample delivery through the ingress steps without publishing it. */
@ApplicationScoped
public class DryRun {

    @Inject
    WebhookGatewayConfig config;

    private BodyParser parser;

    @PostConstruct
    void init() {
        parser = new BodyParser(config.maxDepth(), config.maxFields());
    }

    public DryRunResult run(Endpoint endpoint, DryRunRequest request) {
        Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        if (request.headers() != null) {
            headers.putAll(request.headers());
        }
        JsonNode sample = request.body();
        byte[] body;
        if (sample == null || sample.isNull()) {
            body = new byte[0];
        } else if (sample.isTextual()) {
            body = sample.asText().getBytes(StandardCharsets.UTF_8);
        } else {
            body = sample.toString().getBytes(StandardCharsets.UTF_8);
            headers.putIfAbsent("Content-Type", "application/json");
        }
        UnaryOperator<String> header = headers::get;
        Verification v = SignatureVerifier.verify(endpoint.spec().auth(), endpoint.secrets(), header, body,
                Instant.now());
        Map<String, Object> verification = new LinkedHashMap<>();
        verification.put("ok", v.ok());
        if (!v.ok()) {
            verification.put("status", v.status());
            verification.put("code", v.code());
            verification.put("detail", v.detail());
        }
        JsonNode payload;
        try {
            payload = parser.parse(headers.get("Content-Type"), body);
        } catch (ProblemException e) {
            Map<String, Object> problem = new LinkedHashMap<>();
            problem.put("status", e.status());
            problem.put("code", e.code());
            problem.put("detail", e.getMessage());
            return new DryRunResult("rejected", verification, null, null, null, null, null, null, problem);
        }
        Map<String, String> handshake = Deliveries.handshake(endpoint.spec(), payload, header);
        if (handshake != null) {
            return new DryRunResult(v.ok() ? "handshake" : "rejected", verification, payload, null, null, null,
                    handshake, null, null);
        }
        Map<String, Object> filter = null;
        if (endpoint.spec().github() != null) {
            String mismatch = endpoint.spec().github().mismatch(payload, header);
            if (mismatch != null) {
                filter = new LinkedHashMap<>();
                filter.put("matches", false);
                filter.put("reason", mismatch);
                return new DryRunResult("filtered", verification, payload, filter, null, null, null, null, null);
            }
        }
        if (endpoint.filter() != null) {
            Map<String, String> lower = new java.util.HashMap<>();
            headers.forEach((k, val) -> lower.put(k.toLowerCase(java.util.Locale.ROOT), val));
            lower.remove("authorization");
            CelFilter.Verdict verdict = endpoint.filter().test(payload, lower);
            filter = new LinkedHashMap<>();
            filter.put("matches", verdict.matches());
            if (verdict.reason() != null) {
                filter.put("reason", verdict.reason());
            }
            if (!verdict.matches()) {
                return new DryRunResult("filtered", verification, payload, filter, null, null, null, null, null);
            }
        }
        JsonNode transformed = payload;
        if (endpoint.transformer() != null) {
            try {
                transformed = endpoint.transformer().apply(payload);
            } catch (Transformer.TransformException e) {
                Map<String, Object> problem = new LinkedHashMap<>();
                problem.put("status", 422);
                problem.put("code", "transform_failed");
                problem.put("detail", e.getMessage());
                problem.put("errors", e.errors());
                return new DryRunResult("rejected", verification, payload, filter, null, null, null, null, problem);
            }
        }
        String deliveryId = DeliveryIds.of(endpoint.spec(), header, payload);
        TriggerEvent event = Deliveries.event(endpoint, transformed, header, deliveryId);
        return new DryRunResult(v.ok() ? "would_publish" : "rejected", verification, payload, filter, transformed,
                deliveryId, null, describe(TriggerEventCodec.toCloudEvent(event)), null);
    }

    private static Map<String, Object> describe(CloudEvent ce) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("specversion", ce.getSpecVersion().toString());
        out.put("id", ce.getId());
        out.put("source", ce.getSource().toString());
        out.put("type", ce.getType());
        out.put("subject", ce.getSubject());
        out.put("time", ce.getTime().toString());
        for (String name : ce.getExtensionNames()) {
            out.put(name, String.valueOf(ce.getExtension(name)));
        }
        try {
            out.put("data", EventJson.MAPPER.readTree(ce.getData().toBytes()));
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
