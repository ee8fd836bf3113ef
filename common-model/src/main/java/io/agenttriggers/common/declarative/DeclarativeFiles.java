package io.agenttriggers.common.declarative;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shared rules of the declarative YAML files every service reconciles (webhook endpoints, policies, ...):
 * {@code ${NAME}} and {@code ${NAME:default}} placeholders from the environment, and a content hash so a file is
 * applied only when it changed.
 */
public final class DeclarativeFiles {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}");

    /** YAML as the files are read: unknown fields are mistakes. */
    public static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .registerModule(new JavaTimeModule())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private DeclarativeFiles() {
    }

    /**
     * Reads the top-level list {@code listName} of a file's text (placeholders substituted first) as entries of
     * {@code type}. Every problem goes to {@code errors} with the entry's index; YAML syntax errors give only the
     * location, because the message could quote substituted secrets.
     */
    public static <T> List<T> entries(String text, String listName, Class<T> type, Function<String, String> env,
            List<String> errors) {
        String substituted = substitute(text, env, errors);
        List<T> entries = new ArrayList<>();
        if (!errors.isEmpty()) {
            return entries;
        }
        try {
            JsonNode root = YAML.readTree(substituted);
            JsonNode list = root == null ? null : root.get(listName);
            if (list == null || !list.isArray()) {
                errors.add("the file needs a top-level list '" + listName + "'");
                return entries;
            }
            for (int i = 0; i < list.size(); i++) {
                try {
                    entries.add(YAML.treeToValue(list.get(i), type));
                } catch (IOException | IllegalArgumentException e) {
                    errors.add(listName + "[" + i + "]: " + e.getMessage().split("\n")[0]);
                }
            }
        } catch (IOException e) {
            var at = e instanceof com.fasterxml.jackson.core.JsonProcessingException p ? p.getLocation() : null;
            errors.add("not valid YAML" + (at == null ? "" : " at line " + at.getLineNr() + ", column "
                    + at.getColumnNr()));
        }
        return entries;
    }

    /** Replaces the placeholders; an unset variable without a default adds an error (and becomes empty). */
    public static String substitute(String text, Function<String, String> env, List<String> errors) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.apply(m.group(1));
            if (value == null) {
                value = m.group(2);
            }
            if (value == null) {
                errors.add("environment variable " + m.group(1) + " is not set and has no default");
                value = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** SHA-256 of the text, hex. */
    public static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
