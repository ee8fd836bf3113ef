package io.agenttriggers.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with {@code kubectl kustomize} (kubectl 1.32 carries kustomize) and parses every object
 * into fabric8's Kubernetes model. The model keeps what it does not know in {@code additionalProperties}; {@link
 * #unknownFields} finds every such field, so a misspelled or misplaced key fails a test instead of being dropped by
 * the API server.
 */
final class KubernetesManifests {

    private static final YAMLMapper YAML = new YAMLMapper();

    private KubernetesManifests() {
    }

    /** The rendered objects, typed where the model knows the kind (custom resources stay generic). */
    static List<HasMetadata> render(Path kustomization) throws IOException, InterruptedException {
        Process kubectl = new ProcessBuilder("kubectl", "kustomize", kustomization.toString()).start();
        CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(kubectl.getInputStream()));
        CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(kubectl.getErrorStream()));
        if (!kubectl.waitFor(60, TimeUnit.SECONDS)) {
            kubectl.destroyForcibly();
            throw new IllegalStateException("kubectl kustomize " + kustomization + " did not finish in 60 s");
        }
        if (kubectl.exitValue() != 0) {
            throw new IllegalStateException("kubectl kustomize " + kustomization + " failed: "
                    + new String(err.join(), StandardCharsets.UTF_8));
        }
        List<HasMetadata> objects = new ArrayList<>();
        try (MappingIterator<JsonNode> docs = YAML.readerFor(JsonNode.class).readValues(out.join())) {
            while (docs.hasNext()) {
                JsonNode doc = docs.next();
                if (doc == null || doc.isEmpty()) {
                    continue;
                }
                objects.add((HasMetadata) YAML.treeToValue(doc, KubernetesResource.class));
            }
        }
        return objects;
    }

    private static byte[] readAll(java.io.InputStream in) {
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every field the model did not know, as {@code path: [names]}; a generic (custom) resource is not walked. */
    static List<String> unknownFields(HasMetadata object) {
        List<String> found = new ArrayList<>();
        if (object instanceof GenericKubernetesResource) {
            walk(object.getMetadata(), object.getKind() + "/" + object.getMetadata().getName() + ".metadata", found);
        } else {
            walk(object, object.getKind() + "/" + object.getMetadata().getName(), found);
        }
        return found;
    }

    private static void walk(Object value, String path, List<String> found) {
        if (value == null || value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?>) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((k, v) -> walk(v, path + "." + k, found));
            return;
        }
        if (value instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                walk(list.get(i), path + "[" + i + "]", found);
            }
            return;
        }
        if (!value.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get") || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object field = invoke(getter, value);
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    found.add(path + ": " + extra.keySet());
                }
                continue;
            }
            walk(field, path + "." + Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4),
                    found);
        }
    }

    private static Object invoke(Method getter, Object target) {
        try {
            return getter.invoke(target);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(getter + " on " + target.getClass(), e);
        }
    }
}
