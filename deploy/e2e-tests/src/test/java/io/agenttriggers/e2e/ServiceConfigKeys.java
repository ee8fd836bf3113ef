package io.agenttriggers.e2e;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a service module's configuration reads, in the environment-variable form deployments set it with. */
final class ServiceConfigKeys {

    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z0-9_]+)(:[^}]*)?}");
    static final Pattern PROFILE = Pattern.compile("^%[a-z0-9-]+\\.");

    private ServiceConfigKeys() {
    }

    /** The environment-variable form of a config key (Quarkus/SmallRye rule: non-alphanumerics become '_'). */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The module's application.properties over the defaults every service shares (common-model's). */
    static Properties properties(Path root, String module) throws IOException {
        Properties props = new Properties();
        try (Reader shared = Files.newBufferedReader(
                root.resolve("common-model/src/main/resources/META-INF/microprofile-config.properties"));
                Reader in = Files.newBufferedReader(root.resolve(module).resolve("src/main/resources/application.properties"))) {
            props.load(shared);
            props.load(in);
        }
        return props;
    }

    /**
     * Every environment variable the module's configuration reacts to: its keys (a key set only for a profile, such
     * as a test's file path, is still a key the service reads) and the variables its values name.
     */
    static Set<String> knownVariables(Path root, String module) throws IOException {
        Properties props = properties(root, module);
        Set<String> names = new HashSet<>();
        for (String key : props.stringPropertyNames()) {
            names.add(envName(PROFILE.matcher(key).replaceFirst("")));
            Matcher m = PLACEHOLDER.matcher(props.getProperty(key));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }
}
