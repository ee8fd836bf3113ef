package io.agenttriggers.webhook.github;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.agenttriggers.common.event.EventJson;
import io.agenttriggers.webhook.domain.GithubContextSpec;
import io.agenttriggers.webhook.domain.GithubFilter;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateCrtKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The App's configuration parsing and the per-endpoint bounds of a fetched context. */
class GithubAppPartsTest {

    @Test
    void readsAPkcs1KeyAsGithubHandsItOutAndAPkcs8One() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPrivateCrtKey key = (RSAPrivateCrtKey) generator.generateKeyPair().getPrivate();
        byte[] pkcs8 = key.getEncoded();
        String pkcs8Pem = "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder().encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n";
        String pkcs1Pem = "-----BEGIN RSA PRIVATE KEY-----\n" + Base64.getMimeEncoder()
                .encodeToString(Arrays.copyOfRange(pkcs8, 26, pkcs8.length)) + "\n-----END RSA PRIVATE KEY-----\n";

        assertThat(GithubApp.privateKey(pkcs8Pem).getEncoded()).isEqualTo(pkcs8);
        assertThat(GithubApp.privateKey(pkcs1Pem).getEncoded()).isEqualTo(pkcs8);
        assertThatThrownBy(() -> GithubApp.privateKey("-----BEGIN RSA PRIVATE KEY-----\nbm90IGEga2V5\n-----END RSA "
                + "PRIVATE KEY-----")).hasMessageContaining("not an RSA key");
    }

    @Test
    void installationsAreIdTenantPairsAndAMalformedOneStopsTheStart() {
        assertThat(GithubApp.installations(" 123=acme, 456=beta.team ,")).isEqualTo(Map.of(123L, "acme",
                456L, "beta.team"));
        assertThat(GithubApp.installations("")).isEmpty();
        assertThatThrownBy(() -> GithubApp.installations("123")).hasMessageContaining("'123' is not installationId=tenant");
        assertThatThrownBy(() -> GithubApp.installations("abc=acme")).hasMessageContaining("not installationId=tenant");
        assertThatThrownBy(() -> GithubApp.installations("1=acme,1=beta")).hasMessageContaining("listed twice");
    }

    static ObjectNode fetched(int files) {
        ObjectNode context = JsonNodeFactory.instance.objectNode();
        context.put("complete", true);
        ArrayNode list = context.putArray("files");
        for (int i = 0; i < files; i++) {
            list.addObject().put("filename", "src/file-" + i + ".ts").put("status", "modified");
        }
        ObjectNode contents = context.putObject("contents");
        contents.putObject("CODEOWNERS").put("content", "* @acme");
        contents.putObject("config.yml").put("content", "x: 1");
        return context;
    }

    @Test
    void anEndpointGetsItsOwnFilesAtMostItsNumberOfChangedFilesAndAtMostItsBytes() throws Exception {
        ObjectNode shared = fetched(500);
        ObjectNode mine = RepositoryContext.forEndpoint(shared, new GithubContextSpec(null, List.of("CODEOWNERS"), 10,
                null, null));
        assertThat(mine.path("files").size()).isEqualTo(10);
        assertThat(mine.path("files_truncated").asBoolean()).isTrue();
        assertThat(mine.path("contents").fieldNames()).toIterable().containsExactly("CODEOWNERS");
        // The shared fetch is not changed by one endpoint's share.
        assertThat(shared.path("files").size()).isEqualTo(500);

        ObjectNode small = RepositoryContext.forEndpoint(shared, new GithubContextSpec(null, null, 3000, null, 2048));
        assertThat(EventJson.MAPPER.writeValueAsBytes(small).length).isLessThanOrEqualTo(2048);
        assertThat(small.path("files").size()).isBetween(1, 499);
        assertThat(small.has("contents")).isFalse();
    }

    @Test
    void pathAndAuthorFiltersSeeTheFetchedContext() {
        ObjectNode payload = JsonNodeFactory.instance.objectNode();
        ObjectNode context = payload.putObject(GithubFilter.CONTEXT);
        context.putArray("files").addObject().put("filename", "src/new.ts").put("previous_filename", "src/old.ts");
        context.putArray("commits").addObject().put("author", "mona");
        GithubFilter old = new GithubFilter(null, null, null, null, List.of("src/old.ts"), null);
        GithubFilter byMona = new GithubFilter(null, null, null, null, null, List.of("mona"));
        GithubFilter docs = new GithubFilter(null, null, null, null, List.of("docs/**"), null);
        assertThat(old.mismatch(payload, h -> null)).isNull();
        assertThat(byMona.mismatch(payload, h -> null)).isNull();
        assertThat(docs.mismatch(payload, h -> null)).isEqualTo("no changed path matches [docs/**]");
        // Before the context only the event, action, repository and branch are judged.
        assertThat(docs.mismatchBeforeContext(JsonNodeFactory.instance.objectNode(), h -> null)).isNull();
    }
}
