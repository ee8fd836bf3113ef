package io.agenttriggers.common.event;

import io.cloudevents.CloudEvent;
import io.cloudevents.SpecVersion;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/** Checks an event against the CloudEvents 1.0 core rules this system relies on. */
public final class CloudEventConformance {

    private static final Pattern ATTRIBUTE_NAME = Pattern.compile("[a-z0-9]{1,20}");

    private CloudEventConformance() {
    }

    /** The rules the event breaks; empty when it is a valid CloudEvent 1.0. */
    public static List<String> violations(CloudEvent ce) {
        List<String> out = new ArrayList<>();
        if (ce.getSpecVersion() != SpecVersion.V1) {
            out.add("specversion must be 1.0");
        }
        if (ce.getId() == null || ce.getId().isEmpty()) {
            out.add("id is required and non-empty");
        }
        if (ce.getSource() == null || ce.getSource().toString().isEmpty()) {
            out.add("source is required and non-empty");
        } else {
            try {
                new URI(ce.getSource().toString());
            } catch (URISyntaxException e) {
                out.add("source must be a URI-reference");
            }
        }
        if (ce.getType() == null || ce.getType().isEmpty()) {
            out.add("type is required and non-empty");
        }
        if (ce.getSubject() != null && ce.getSubject().isEmpty()) {
            out.add("subject, when present, must be non-empty");
        }
        if (ce.getData() != null && (ce.getDataContentType() == null || ce.getDataContentType().isEmpty())) {
            out.add("datacontenttype must be set when there is data");
        }
        for (String name : ce.getExtensionNames()) {
            if (!ATTRIBUTE_NAME.matcher(name).matches()) {
                out.add("extension name '" + name + "' must be 1-20 lowercase letters or digits");
            }
            Object value = ce.getExtension(name);
            if (value instanceof String s && s.isEmpty()) {
                out.add("extension '" + name + "' must not be empty");
            }
        }
        return out;
    }
}
