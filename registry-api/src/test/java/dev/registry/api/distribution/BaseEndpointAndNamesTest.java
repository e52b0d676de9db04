package dev.registry.api.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
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

    /**
     * Issue 12, item 4: no error answer carries Spring's reflected-file-download header
     * ({@code Content-Disposition: inline;filename=f.txt}), whatever "extension" the path ends with.
     */
    @ParameterizedTest
    @CsvSource({
            "GET,    /v2/it.dot/repo/manifests/.bad.tag,     true,  404",
            "GET,    /v2/it.dot/repo/manifests/v1.2.3,       true,  404",
            "GET,    /v2/it.dot/repo.x/blobs/sha256:0000000000000000000000000000000000000000000000000000000000000000, true, 404",
            "GET,    /v2/it.dot/repo/manifests/md5:a.b,      true,  400",
            "POST,   /v2/it.dot/repo/manifests/v1.0,         true,  405",
            "GET,    /v2/it.dot/repo/manifests/v1.0,         false, 401",
            "GET,    /v2/it.dot/repo/referrers/sha256:1.2,   true,  400",
            "GET,    /api/v1/projects/no.such.project,       true,  404",
            "GET,    /api/v1/projects/no.such.project,       false, 401"})
    void noErrorAnswerCarriesAContentDispositionHeader(String method, String path, boolean signedIn, int status) {
        var as = signedIn ? client : dev.registry.api.RegistryClient.anonymous(port);
        HttpResponse<String> r = as.send(method, path);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Disposition")).as(path).isEmpty();
    }

    @Test
    void aManifestPulledByADottedTagCarriesNoContentDispositionHeader() {
        String repo = uniqueRepo("dot.tag");
        pushImage(repo, "v1.0", 7);
        HttpResponse<String> r = client.send("GET", "/v2/" + repo + "/manifests/v1.0");
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Disposition")).isEmpty();
        HttpResponse<String> tags = client.send("GET", "/v2/" + repo + "/tags/list?last=v0.9");
        assertThat(tags.statusCode()).isEqualTo(200);
        assertThat(tags.headers().firstValue("Content-Disposition")).isEmpty();
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
