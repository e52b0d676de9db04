package dev.registry.api.distribution;

import static dev.registry.api.TestImages.DOCKER_LIST;
import static dev.registry.api.TestImages.DOCKER_MANIFEST;
import static dev.registry.api.TestImages.OCI_INDEX;
import static dev.registry.api.TestImages.OCI_MANIFEST;
import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.TestImages;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Distribution spec end-3 (GET/HEAD manifest), end-7 (PUT manifest), end-9 (DELETE manifest or tag). */
class ManifestApiTest extends ApiTestBase {

    @Test
    void anOciManifestPushedByTagIsServedWithExactBytesTypeAndDigest() {
        String repo = uniqueRepo("oci");
        String manifest = pushImage(repo, "v1", 41);
        String digest = RegistryClient.digest(manifest.getBytes());

        for (String reference : List.of("v1", digest)) {
            HttpResponse<String> get = client.send("GET", "/v2/" + repo + "/manifests/" + reference, null,
                    Map.of("Accept", OCI_MANIFEST + ", " + OCI_INDEX));
            assertThat(get.statusCode()).isEqualTo(200);
            assertThat(get.body()).isEqualTo(manifest);
            assertThat(get.headers().firstValue("Content-Type")).contains(OCI_MANIFEST);
            assertThat(get.headers().firstValue("Docker-Content-Digest")).contains(digest);

            HttpResponse<String> head = client.send("HEAD", "/v2/" + repo + "/manifests/" + reference);
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.headers().firstValue("Content-Length")).contains(String.valueOf(manifest.length()));
            assertThat(head.headers().firstValue("Docker-Content-Digest")).contains(digest);
        }
    }

    @Test
    void thePushAnswers201WithLocationAndDigest() {
        String repo = uniqueRepo("put");
        byte[] config = "{}".getBytes();
        String c = client.pushBlob(repo, config);
        String manifest = TestImages.ociManifest(c, 2, c, 2);
        HttpResponse<String> put = client.pushManifest(repo, "latest", OCI_MANIFEST, manifest);
        String digest = RegistryClient.digest(manifest.getBytes());
        assertThat(put.statusCode()).isEqualTo(201);
        assertThat(put.headers().firstValue("Location")).contains("/v2/" + repo + "/manifests/" + digest);
        assertThat(put.headers().firstValue("Docker-Content-Digest")).contains(digest);
        assertThat(put.headers().firstValue("OCI-Subject")).isEmpty();
    }

    @Test
    void aManifestPushedByDigestMustHashToThatDigest() {
        String repo = uniqueRepo("bydigest");
        byte[] config = "{\"a\":1}".getBytes();
        String c = client.pushBlob(repo, config);
        String manifest = TestImages.ociManifest(c, config.length, c, config.length);
        String digest = RegistryClient.digest(manifest.getBytes());
        assertThat(client.pushManifest(repo, digest, OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);
        String other = RegistryClient.digest("other".getBytes());
        assertOciError(client.pushManifest(repo, other, OCI_MANIFEST, manifest), 400, "DIGEST_INVALID");
        assertOciError(client.send("GET", "/v2/" + repo + "/manifests/" + other), 404, "MANIFEST_UNKNOWN");
    }

    /**
     * Distribution spec "Pulling manifests" (conformance suite: pull of a nonexistent manifest): a
     * reference that is no valid tag names nothing, so GET and HEAD answer 404 MANIFEST_UNKNOWN (as
     * Distribution does); only a PUT under such a name is MANIFEST_INVALID (issue 12, item 1).
     */
    @Test
    void pullingManifestsByAReferenceThatIsNoValidTagIsManifestUnknownButPushingIsManifestInvalid() {
        String repo = uniqueRepo("badref");
        String manifest = pushImage(repo, "v1", 43);
        for (String reference : List.of(".INVALID_MANIFEST_NAME", "-dash", "t".repeat(129))) {
            assertOciError(client.send("GET", "/v2/" + repo + "/manifests/" + reference), 404, "MANIFEST_UNKNOWN");
            HttpResponse<String> head = client.send("HEAD", "/v2/" + repo + "/manifests/" + reference);
            assertThat(head.statusCode()).isEqualTo(404);
            assertThat(head.body()).isEmpty();
            assertOciError(client.pushManifest(repo, reference, OCI_MANIFEST, manifest), 400, "MANIFEST_INVALID");
        }
        assertOciError(client.send("GET", "/v2/" + repo + "/manifests/md5:abcd"), 400, "DIGEST_INVALID");
    }

    @Test
    void dockerSchema2ManifestAndManifestListArePushedAndServedAsTheirType() {
        String repo = uniqueRepo("docker");
        byte[] config = "{\"os\":\"linux\"}".getBytes();
        byte[] layer = bytes(3000, 42);
        String c = client.pushBlob(repo, config);
        String l = client.pushBlob(repo, layer);
        String manifest = """
                {"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"application/vnd.docker.container.image.v1+json",\
                "digest":"%s","size":%d},"layers":[{"mediaType":"application/vnd.docker.image.rootfs.diff.tar.gzip",\
                "digest":"%s","size":%d}]}""".formatted(DOCKER_MANIFEST, c, config.length, l, layer.length);
        assertThat(client.pushManifest(repo, "amd64", DOCKER_MANIFEST, manifest).statusCode()).isEqualTo(201);
        String md = RegistryClient.digest(manifest.getBytes());
        String list = """
                {"schemaVersion":2,"mediaType":"%s","manifests":[{"mediaType":"%s","digest":"%s","size":%d,\
                "platform":{"architecture":"amd64","os":"linux"}}]}""".formatted(DOCKER_LIST, DOCKER_MANIFEST, md, manifest.length());
        assertThat(client.pushManifest(repo, "multi", DOCKER_LIST, list).statusCode()).isEqualTo(201);

        HttpResponse<String> get = client.send("GET", "/v2/" + repo + "/manifests/multi", null,
                Map.of("Accept", DOCKER_LIST + "," + DOCKER_MANIFEST));
        assertThat(get.headers().firstValue("Content-Type")).contains(DOCKER_LIST);
        assertThat(get.body()).isEqualTo(list);
    }

    @Test
    void aClientThatAcceptsOnlyOtherManifestTypesGetsManifestUnknown() {
        String repo = uniqueRepo("accept");
        pushImage(repo, "v1", 43);
        HttpResponse<String> r = client.send("GET", "/v2/" + repo + "/manifests/v1", null, Map.of("Accept", DOCKER_MANIFEST));
        assertOciError(r, 404, "MANIFEST_UNKNOWN");
        assertThat(client.send("GET", "/v2/" + repo + "/manifests/v1", null, Map.of("Accept", "*/*")).statusCode()).isEqualTo(200);
    }

    @Test
    void anIndexOfManifestsIsStoredAndAMissingChildIsRefused() {
        String repo = uniqueRepo("index");
        String m1 = pushImage(repo, "a", 44);
        String m2 = pushImage(repo, "b", 45);
        String index = TestImages.ociIndex(RegistryClient.digest(m1.getBytes()), String.valueOf(m1.length()),
                RegistryClient.digest(m2.getBytes()), String.valueOf(m2.length()));
        assertThat(client.pushManifest(repo, "multi", OCI_INDEX, index).statusCode()).isEqualTo(201);
        assertThat(client.send("GET", "/v2/" + repo + "/manifests/multi").body()).isEqualTo(index);

        String missing = TestImages.ociIndex(RegistryClient.digest("nope".getBytes()), "10");
        assertOciError(client.pushManifest(repo, "broken", OCI_INDEX, missing), 400, "MANIFEST_BLOB_UNKNOWN");
        assertOciError(client.send("GET", "/v2/" + repo + "/manifests/broken"), 404, "MANIFEST_UNKNOWN");

        // issue 11, security 10 (image spec "Descriptors"): an entry's size is the child manifest's exact byte count
        String wrongSize = TestImages.ociIndex(RegistryClient.digest(m1.getBytes()), String.valueOf(m1.length() + 1));
        HttpResponse<String> refused = client.pushManifest(repo, "wrong-size", OCI_INDEX, wrongSize);
        assertOciError(refused, 400, "MANIFEST_INVALID");
        assertThat(json(refused.body()).get("errors").get(0).get("message").asString())
                .contains("size " + (m1.length() + 1), "stored manifest has " + m1.length() + " bytes");
        assertOciError(client.send("GET", "/v2/" + repo + "/manifests/wrong-size"), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void aManifestReferencingAMissingBlobIsRefusedAndNothingIsStored() {
        String repo = uniqueRepo("missing");
        byte[] config = "{}".getBytes();
        String c = client.pushBlob(repo, config);
        String absent = RegistryClient.digest("absent layer".getBytes());
        String manifest = TestImages.ociManifest(c, 2, absent, 12);
        HttpResponse<String> r = client.pushManifest(repo, "v1", OCI_MANIFEST, manifest);
        assertOciError(r, 400, "MANIFEST_BLOB_UNKNOWN");
        assertThat(r.body()).contains(absent);
        assertOciError(client.send("GET", "/v2/" + repo + "/manifests/v1"), 404, "MANIFEST_UNKNOWN");
        assertOciError(client.send("GET", "/v2/" + repo + "/manifests/" + RegistryClient.digest(manifest.getBytes())), 404, "MANIFEST_UNKNOWN");
        assertThat(json(client.send("GET", "/v2/" + repo + "/tags/list").body()).get("tags")).isEmpty();
    }

    @Test
    void invalidJsonIsManifestInvalid() {
        assertOciError(client.pushManifest(uniqueRepo("json"), "v1", OCI_MANIFEST, "{not json"), 400, "MANIFEST_INVALID");
        assertOciError(client.pushManifest(uniqueRepo("json"), "v1", OCI_MANIFEST, "[1,2]"), 400, "MANIFEST_INVALID");
    }

    @Test
    void aMediaTypeThatDisagreesWithTheBodyIsManifestInvalid() {
        String repo = uniqueRepo("disagree");
        String c = client.pushBlob(repo, "{}".getBytes());
        String manifest = TestImages.ociManifest(c, 2, c, 2);
        HttpResponse<String> r = client.pushManifest(repo, "v1", DOCKER_MANIFEST, manifest);
        assertOciError(r, 400, "MANIFEST_INVALID");
        assertThat(r.body()).contains("disagrees");
        String index = "{\"schemaVersion\":2,\"config\":{\"mediaType\":\"x\",\"digest\":\"" + c + "\",\"size\":2},\"layers\":[]}";
        assertOciError(client.pushManifest(repo, "v2", OCI_INDEX, index), 400, "MANIFEST_INVALID");
    }

    @Test
    void aManifestOver4MiBIsRefusedWith413() {
        String big = "{\"schemaVersion\":2,\"pad\":\"" + "x".repeat(4 * 1024 * 1024) + "\"}";
        assertOciError(client.pushManifest(uniqueRepo("big"), "v1", OCI_MANIFEST, big), 413, "MANIFEST_INVALID");
    }

    @Test
    void dockerSchema1IsRefusedWithAClearMessage() {
        String schema1 = "{\"schemaVersion\":1,\"name\":\"x\",\"tag\":\"v1\",\"fsLayers\":[]}";
        HttpResponse<String> r = client.pushManifest(uniqueRepo("schema1"), "v1",
                "application/vnd.docker.distribution.manifest.v1+prettyjws", schema1);
        assertOciError(r, 400, "MANIFEST_INVALID");
        assertThat(r.body()).contains("schema 1");
    }

    @Test
    void deletingByDigestRemovesTheManifestAndItsTagsAndDeletingATagKeepsTheManifest() {
        String repo = uniqueRepo("delete");
        String manifest = pushImage(repo, "one", 46);
        String digest = RegistryClient.digest(manifest.getBytes());
        client.pushManifest(repo, "two", OCI_MANIFEST, manifest);

        assertThat(client.send("DELETE", "/v2/" + repo + "/manifests/one").statusCode()).isEqualTo(202);
        assertOciError(client.send("GET", "/v2/" + repo + "/manifests/one"), 404, "MANIFEST_UNKNOWN");
        assertThat(client.send("GET", "/v2/" + repo + "/manifests/" + digest).statusCode()).isEqualTo(200);

        assertThat(client.send("DELETE", "/v2/" + repo + "/manifests/" + digest).statusCode()).isEqualTo(202);
        assertOciError(client.send("GET", "/v2/" + repo + "/manifests/" + digest), 404, "MANIFEST_UNKNOWN");
        assertOciError(client.send("GET", "/v2/" + repo + "/manifests/two"), 404, "MANIFEST_UNKNOWN");
        assertOciError(client.send("DELETE", "/v2/" + repo + "/manifests/" + digest), 404, "MANIFEST_UNKNOWN");
    }

    @Test
    void twoClientsPushingTheSameTagAtOnceLeaveItPointingAtOneOfThem() throws Exception {
        String repo = uniqueRepo("race");
        List<String> manifests = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            manifests.add(pushImage(repo, "own" + i, 100 + i));
        }
        CountDownLatch gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (String m : manifests) {
                results.add(pool.submit(() -> {
                    gate.await();
                    return client.pushManifest(repo, "shared", OCI_MANIFEST, m).statusCode();
                }));
            }
            gate.countDown();
            for (Future<Integer> r : results) {
                assertThat(r.get()).isEqualTo(201);
            }
        } finally {
            pool.shutdown();
        }
        HttpResponse<String> get = client.send("GET", "/v2/" + repo + "/manifests/shared");
        assertThat(manifests).contains(get.body());
        assertThat(get.headers().firstValue("Docker-Content-Digest")).contains(RegistryClient.digest(get.body().getBytes()));
        Set<String> tags = new HashSet<>();
        json(client.send("GET", "/v2/" + repo + "/tags/list").body()).get("tags").forEach(t -> tags.add(t.asString()));
        assertThat(tags).contains("shared").hasSize(7);
    }

    /** Issue 11, security item 10 (image spec "Descriptors": size is the exact byte count). */
    @Test
    void aLayerOrConfigDescriptorWhoseSizeDiffersFromTheStoredBlobIsManifestInvalidAndNothingIsStored() {
        String repo = uniqueRepo("sizes");
        byte[] config = "{\"os\":\"linux\"}".getBytes();
        byte[] layer = bytes(2_000, 71);
        String c = client.pushBlob(repo, config);
        String l = client.pushBlob(repo, layer);

        HttpResponse<String> wrongLayer = client.pushManifest(repo, "layer", OCI_MANIFEST,
                TestImages.ociManifest(c, config.length, l, layer.length - 1));
        HttpResponse<String> wrongConfig = client.pushManifest(repo, "config", OCI_MANIFEST,
                TestImages.ociManifest(c, config.length + 5, l, layer.length));

        assertOciError(wrongLayer, 400, "MANIFEST_INVALID");
        assertThat(json(wrongLayer.body()).get("errors").get(0).get("message").asString())
                .contains(l, "size " + (layer.length - 1), layer.length + " bytes");
        assertOciError(wrongConfig, 400, "MANIFEST_INVALID");
        assertOciError(client.send("GET", "/v2/" + repo + "/manifests/layer"), 404, "MANIFEST_UNKNOWN");
        assertOciError(client.send("GET", "/v2/" + repo + "/manifests/config"), 404, "MANIFEST_UNKNOWN");
        assertThat(client.pushManifest(repo, "right", OCI_MANIFEST, TestImages.ociManifest(c, config.length, l, layer.length))
                .statusCode()).isEqualTo(201);
    }

    /** Issue 11, security item 10: layers is REQUIRED in an image manifest (image spec, Docker schema 2). */
    @Test
    void anImageManifestWithLayersNullOrMissingIsManifestInvalid() {
        String repo = uniqueRepo("nolayers");
        byte[] config = "{}".getBytes();
        String c = client.pushBlob(repo, config);
        String configDescriptor = "\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":2}".formatted(TestImages.OCI_CONFIG, c);

        for (String manifest : List.of(
                "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\"," + configDescriptor + ",\"layers\":null}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\"," + configDescriptor + "}",
                "{\"schemaVersion\":2,\"mediaType\":\"" + DOCKER_MANIFEST + "\"," + configDescriptor + ",\"layers\":null}")) {
            HttpResponse<String> put = client.pushManifest(repo, "t", manifest.contains(DOCKER_MANIFEST) ? DOCKER_MANIFEST : OCI_MANIFEST, manifest);
            assertOciError(put, 400, "MANIFEST_INVALID");
            assertThat(put.body()).contains("layers");
        }
        assertOciError(client.send("GET", "/v2/" + repo + "/manifests/t"), 404, "MANIFEST_UNKNOWN");
    }

    /** Issue 11, security item 8: Jackson's nesting limit is reported without naming a Java class or method. */
    @Test
    void aDeeplyNestedManifestIsManifestInvalidWithoutJavaNamesInTheMessage() {
        String repo = uniqueRepo("nested");
        String manifest = "{\"schemaVersion\":2,\"deep\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";

        HttpResponse<String> put = client.pushManifest(repo, "deep", OCI_MANIFEST, manifest);

        assertOciError(put, 400, "MANIFEST_INVALID");
        String message = json(put.body()).get("errors").get(0).get("message").asString();
        assertThat(message).contains("nesting depth").doesNotContain("StreamReadConstraints", "()", "`");
    }
}
