package dev.registry.api.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Distribution spec end-1 (GET /v2/) and the repository-name and tag grammar ("Pulling manifests"). */
class BaseEndpointAndNamesTest extends ApiTestBase {

    @Test
    void theVersionCheckAnswers200WithTheApiVersionHeader() {
        HttpResponse<String> r = client.send("GET", "/v2/");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Docker-Distribution-API-Version")).contains("registry/2.0");
    }

    @Test
    void anUnknownEndpointUnderV2AnswersWithTheOciErrorEnvelope() {
        assertOciError(client.send("GET", "/v2/some/repo/nothing-here"), 404, "UNSUPPORTED");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Upper/case", "a/../b", "a/./b", "a//b", "-lead/x", "a__-b/x", "trailing./x"})
    void namesOutsideTheGrammarAreRefusedAsNameInvalid(String name) {
        HttpResponse<String> r = client.send("GET", "/v2/" + name + "/tags/list");
        assertOciError(r, 400, "NAME_INVALID");
    }

    @Test
    void anEncodedSlashInANameIsRefusedAsNameInvalid() {
        assertOciError(client.send("GET", "/v2/a%2Fb/manifests/latest"), 400, "NAME_INVALID");
    }

    @Test
    void aNameOf256CharactersIsRefusedAndOneOf255IsAccepted() {
        String tooLong = "a".repeat(120) + "/" + "b".repeat(135);
        assertThat(tooLong).hasSize(256);
        assertOciError(client.send("GET", "/v2/" + tooLong + "/tags/list"), 400, "NAME_INVALID");
        String longest = tooLong.substring(1);
        client.pushBlob(longest, "x".getBytes());
        assertThat(client.send("HEAD", "/v2/" + longest + "/blobs/" + dev.registry.api.RegistryClient.digest("x".getBytes()))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void aTagOf129CharactersIsRefusedAndOneOf128IsAccepted() {
        String repo = uniqueRepo("tags");
        pushImage(repo, "t".repeat(128), 1);
        // issue 12 item 1: a pull by a name no tag can have finds nothing (404); the push is refused (400)
        assertOciError(client.send("GET", "/v2/" + repo + "/manifests/" + "t".repeat(129)), 404, "MANIFEST_UNKNOWN");
        HttpResponse<String> r = client.pushManifest(repo, "t".repeat(129), dev.registry.api.TestImages.OCI_MANIFEST, "{}");
        assertOciError(r, 400, "MANIFEST_INVALID");
        assertThat(client.send("GET", "/v2/" + repo + "/manifests/" + "t".repeat(128)).statusCode()).isEqualTo(200);
    }

    @Test
    void aMalformedDigestIsRefusedAsDigestInvalid() {
        assertOciError(client.send("GET", "/v2/some/repo/blobs/sha256:1234"), 400, "DIGEST_INVALID");
        assertOciError(client.send("GET", "/v2/some/repo/manifests/md5:abcd"), 400, "DIGEST_INVALID");
    }

    @Test
    void anUnsupportedMethodAnswers405WithTheOciEnvelope() {
        assertOciError(client.send("POST", "/v2/some/repo/tags/list"), 405, "UNSUPPORTED");
    }
}
