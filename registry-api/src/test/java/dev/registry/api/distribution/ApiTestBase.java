package dev.registry.api.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import java.net.http.HttpResponse;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Shared set-up of the HTTP API tests: a client on the running registry and unique repository names. */
@RegistryIntegrationTest
abstract class ApiTestBase {

    private static final AtomicInteger NAMES = new AtomicInteger();
    static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    RegistryClient client;

    @BeforeEach
    void connect() {
        client = new RegistryClient(port);
    }

    /** A repository name no other test uses, with several components as projects have. */
    static String uniqueRepo(String hint) {
        return "it" + System.nanoTime() % 100000 + "/" + hint + "/r" + NAMES.incrementAndGet();
    }

    static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static JsonNode json(String body) {
        return JSON.readTree(body);
    }

    /** Asserts the OCI error envelope (distribution spec "Error Codes") with the given code. */
    static void assertOciError(HttpResponse<String> response, int status, String code) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(ct -> assertThat(ct).startsWith("application/json"));
        JsonNode error = json(response.body()).get("errors").get(0);
        assertThat(error.get("code").asString()).isEqualTo(code);
        assertThat(error.get("message").asString()).isNotBlank();
    }

    /** Pushes a config and one layer, then an OCI manifest under {@code tag}; returns the manifest. */
    String pushImage(String repo, String tag, long seed) {
        byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"seed\":" + seed + "}").getBytes();
        byte[] layer = bytes(1000 + (int) (seed % 1000), seed);
        String configDigest = client.pushBlob(repo, config);
        String layerDigest = client.pushBlob(repo, layer);
        String manifest = dev.registry.api.TestImages.ociManifest(configDigest, config.length, layerDigest, layer.length);
        HttpResponse<String> put = client.pushManifest(repo, tag, dev.registry.api.TestImages.OCI_MANIFEST, manifest);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        return manifest;
    }
}
