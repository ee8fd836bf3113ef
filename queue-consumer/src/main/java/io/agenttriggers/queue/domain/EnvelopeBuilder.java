package io.agenttriggers.queue.domain;

import com.fasterxml.jackson.databind.JsonNode;
import com.jayway.jsonpath.Configuration;
import com.jayway.jsonpath.JsonPath;
import com.jayway.jsonpath.Option;
import com.jayway.jsonpath.spi.json.JacksonJsonNodeJsonProvider;
import com.jayway.jsonpath.spi.mapper.JacksonMappingProvider;
import io.agenttriggers.common.event.TriggerData;
import io.agenttriggers.common.event.TriggerEvent;
import io.agenttriggers.common.event.TriggerType;
import io.agenttriggers.queue.config.Extraction;
import io.agenttriggers.queue.config.SourceSpec;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Builds the trigger event (SPEC §3 envelope) of one source's messages: payload by the source's format, event name,
 * tenant, dedup key and focus by its extraction rules, allow-listed headers plus the {@code queue.*} transport
 * headers (message id, received time, partition/offset or delivery count). Thread-safe; JSONPaths compiled once.
 */
public final class EnvelopeBuilder {

    /** Header names of the transport metadata every queue event carries. */
    public static final String H_SOURCE = "queue.source";
    public static final String H_MESSAGE_ID = "queue.messageId";
    public static final String H_RECEIVED_AT = "queue.receivedAt";
    /** Longest header value carried; longer ones are cut. */
    public static final int MAX_HEADER_VALUE = 4096;

    private static final Configuration JSON_PATH = Configuration.builder()
            .jsonProvider(new JacksonJsonNodeJsonProvider())
            .mappingProvider(new JacksonMappingProvider())
            .options(Option.SUPPRESS_EXCEPTIONS)
            .build();

    /** The event, and whether its dedup key came from the message's content (not the broker's message id). */
    public record Built(TriggerEvent event, boolean dedupKeyExtracted) {
    }

    private final SourceSpec spec;
    /** {@code $.a.b}: plain field steps, read without the JSONPath engine (the common case, and much cheaper). */
    private static final java.util.regex.Pattern SIMPLE_PATH =
            java.util.regex.Pattern.compile("\\$(\\.[A-Za-z_][A-Za-z0-9_-]*)+");

    private final Map<String, JsonPath> paths = new HashMap<>();
    private final Map<String, String[]> simplePaths = new HashMap<>();
    private final Map<String, String> allowed = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final TriggerType type;

    public EnvelopeBuilder(SourceSpec spec) {
        this.spec = spec;
        for (Extraction x : new Extraction[] {spec.eventName(), spec.tenantId(), spec.dedupKey(), spec.focus()}) {
            if (x != null && x.jsonPath() != null) {
                if (SIMPLE_PATH.matcher(x.jsonPath()).matches()) {
                    simplePaths.put(x.jsonPath(), x.jsonPath().substring(2).split("\\."));
                } else {
                    paths.put(x.jsonPath(), JsonPath.compile(x.jsonPath()));
                }
            }
        }
        spec.headersOrDefault().forEach(h -> allowed.put(h, h));
        this.type = spec.type() == SourceSpec.Type.IMAP ? TriggerType.EMAIL : TriggerType.QUEUE;
    }

    public SourceSpec spec() {
        return spec;
    }

    public Built build(RawMessage message) throws ParseException {
        JsonNode payload = PayloadParser.parse(message.body(), spec.formatOrDefault(), spec.maxMessageBytesOrDefault());
        String eventName = required("eventName", spec.eventName(), payload, message);
        String tenantId = required("tenantId", spec.tenantId(), payload, message);
        String dedupKey = spec.dedupKey() == null ? null : extract("dedupKey", spec.dedupKey(), payload, message);
        boolean extracted = dedupKey != null;
        if (dedupKey == null && message.messageId() != null && !message.messageId().isBlank()) {
            // The broker's identity of the message: a redelivery after a crash is then a duplicate, not a new run.
            dedupKey = limit("queue:" + spec.name() + ":" + message.messageId());
        }
        String focus = spec.focus() == null ? null : extract("focus", spec.focus(), payload, message);

        Map<String, String> headers = new TreeMap<>();
        message.headers().forEach((name, value) -> {
            String declared = allowed.get(name);
            if (declared != null && value != null) {
                headers.put(declared, value.length() > MAX_HEADER_VALUE ? value.substring(0, MAX_HEADER_VALUE) : value);
            }
        });
        headers.put(H_SOURCE, spec.name());
        if (message.messageId() != null) {
            headers.put(H_MESSAGE_ID, message.messageId());
        }
        headers.put(H_RECEIVED_AT, message.receivedAt().toString());
        message.transport().forEach((k, v) -> headers.put("queue." + k, v));

        try {
            TriggerEvent event = TriggerEvent.builder(type, spec.eventSource(), eventName, tenantId)
                    .time(message.receivedAt().atOffset(ZoneOffset.UTC))
                    .dedupKey(dedupKey)
                    .focus(focus)
                    .workflowId(spec.workflowId())
                    .data(new TriggerData(payload, headers, spec.options()))
                    .build();
            return new Built(event, extracted);
        } catch (IllegalArgumentException e) {
            throw new ParseException(e.getMessage());
        }
    }

    private String required(String field, Extraction x, JsonNode payload, RawMessage message) throws ParseException {
        String value = extract(field, x, payload, message);
        if (value == null) {
            throw new ParseException(field + ": " + x.describe() + " is absent from the message");
        }
        return value;
    }

    /** The extracted value, trimmed; null when absent and without default. */
    private String extract(String field, Extraction x, JsonNode payload, RawMessage message) throws ParseException {
        String value;
        if (x.value() != null) {
            value = x.value();
        } else if (x.header() != null) {
            value = header(message.headers(), x.header());
        } else {
            JsonNode found = payload == null || payload.isNull() || !payload.isContainerNode() ? null
                    : read(payload, x.jsonPath());
            if (found != null && found.isContainerNode()) {
                throw new ParseException(field + ": " + x.jsonPath() + " is an object or array, not a value");
            }
            value = found == null || found.isNull() || found.isMissingNode() ? null : found.asText();
        }
        if (value == null || value.isBlank()) {
            value = x.fallback();
        }
        if (value == null || value.isBlank()) {
            return null;
        }
        value = value.trim();
        if (value.length() > TriggerEvent.MAX_ATTRIBUTE_LENGTH) {
            throw new ParseException(field + " is longer than " + TriggerEvent.MAX_ATTRIBUTE_LENGTH + " characters");
        }
        return value;
    }

    private JsonNode read(JsonNode payload, String jsonPath) {
        String[] steps = simplePaths.get(jsonPath);
        if (steps == null) {
            return JsonPath.using(JSON_PATH).parse(payload).read(paths.get(jsonPath));
        }
        JsonNode at = payload;
        for (String step : steps) {
            at = at.isObject() ? at.get(step) : null;
            if (at == null) {
                return null;
            }
        }
        return at;
    }

    private static String header(Map<String, String> headers, String name) {
        String exact = headers.get(name);
        if (exact != null) {
            return exact;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (var e : headers.entrySet()) {
            if (e.getKey().toLowerCase(Locale.ROOT).equals(lower)) {
                return e.getValue();
            }
        }
        return null;
    }

    private static String limit(String key) {
        return key.length() > TriggerEvent.MAX_ATTRIBUTE_LENGTH ? key.substring(0, TriggerEvent.MAX_ATTRIBUTE_LENGTH)
                : key;
    }
}
