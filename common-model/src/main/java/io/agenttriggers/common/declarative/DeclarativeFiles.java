package io.agenttriggers.common.declarative;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

    private DeclarativeFiles() {
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
