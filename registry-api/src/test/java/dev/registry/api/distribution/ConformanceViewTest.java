package dev.registry.api.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.TestImages;
import dev.registry.api.access.AccessFixture;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12, "Keep the conformance suite's view": every request/answer pair the interoperability issue
 * names, one row each, as the OCI conformance suite and Distribution see it: status, error code
 * (distribution spec "Error Codes") and headers. Each row's name starts with the section of the
 * distribution spec (or the Docker token spec) it belongs to, so a later change that regresses one
 * shows by name. The deeper checks of each behaviour stay in the tests named in the rows' comments.
 *
 * <p>Every answer is checked for what clients rely on whatever the row: no {@code Content-Disposition}
 * (found 4), {@code Docker-Distribution-API-Version: registry/2.0} on {@code /v2}; an error answer
 * also carries the OCI error envelope as {@code application/json}, a 401 a {@code WWW-Authenticate}
 * Bearer challenge, and a HEAD no body.
 */
class ConformanceViewTest extends ApiTestBase {

    private static final String ZERO_DIGEST = "sha256:" + "0".repeat(64);

    @Autowired
    ApplicationContext context;

    /** Who sends a row's request. */
    private interface Caller {
        RegistryClient client();
    }

    private record Row(String section, Caller caller, String method, String path, byte[] body, Map<String, String> headers,
                       int status, String code, Consumer<HttpResponse<String>> also) {

        String name() {
            return section + ": " + method + " " + path.replaceAll("sha256:[0-9a-f]{64}", "sha256:…")
                    + " -> " + status + (code == null ? "" : " " + code);
        }
    }

    private final List<Row> rows = new ArrayList<>();

    private void row(String section, Caller caller, String method, String path, int status, String code) {
        row(section, caller, method, path, null, Map.of(), status, code, r -> { });
    }

    private void row(String section, Caller caller, String method, String path, byte[] body, Map<String, String> headers,
                     int status, String code, Consumer<HttpResponse<String>> also) {
        rows.add(new Row(section, caller, method, path, body, headers, status, code, also));
    }

    @TestFactory
    Stream<DynamicTest> everyPairOfTheInteroperabilityIssue() {
        AccessFixture fixture = AccessFixture.create(context);
        Caller admin = () -> client;
        Caller anonymous = () -> RegistryClient.anonymous(port);
        Caller developer = () -> fixture.basic(port, "developer");
        Caller guest = () -> fixture.basic(port, "guest");

        String repo = uniqueRepo("conformance");
        String manifest = pushImage(repo, "v1", 1212);
        String privateRepo = fixture.project + "/conformance-" + System.nanoTime() % 100000;
        pushImage(privateRepo, "v1", 1213);

        // Pulling manifests (found 1): a reference that is no valid tag names nothing, as Distribution answers
        // (ManifestApiTest.pullingManifestsByAReferenceThatIsNoValidTagIsManifestUnknownButPushingIsManifestInvalid)
        for (String reference : List.of(".INVALID_MANIFEST_NAME", "-dash", "t".repeat(129))) {
            row("Pulling manifests", admin, "GET", "/v2/" + repo + "/manifests/" + reference, 404, "MANIFEST_UNKNOWN");
            row("Pulling manifests", admin, "HEAD", "/v2/" + repo + "/manifests/" + reference, 404, null);
            row("Pushing manifests", admin, "PUT", "/v2/" + repo + "/manifests/" + reference, manifest.getBytes(),
                    Map.of("Content-Type", TestImages.OCI_MANIFEST), 400, "MANIFEST_INVALID", r -> { });
        }
        row("Pulling manifests", admin, "GET", "/v2/" + repo + "/manifests/v404", 404, "MANIFEST_UNKNOWN");
        row("Pulling manifests", admin, "GET", "/v2/" + repo + "/manifests/md5:abcd", 400, "DIGEST_INVALID");
        row("Pulling manifests", admin, "GET", "/v2/" + repo + "/manifests/v1", null, Map.of("Accept", TestImages.OCI_MANIFEST),
                200, null, r -> assertThat(r.headers().firstValue("Docker-Content-Digest"))
                        .contains(RegistryClient.digest(manifest.getBytes())));

        // Mounting a blob from another repository (found 2): the challenge names pull on a source the caller
        // could be granted, and a token for exactly the challenged scopes mounts
        // (TokenAuthenticationTest.aMountChallengeNamesPullOnAVisibleSourceAndATokenForTheChallengedScopesMounts)
        String source = "conformance-src-" + System.nanoTime() % 100000; // library/<source>: public
        pushImage(source, "v1", 1216); // a repository (it holds a manifest), for docker search below
        String digest = client.pushBlob(source, bytes(3000, 1214));
        String privateDigest = client.pushBlob(privateRepo, bytes(3000, 1215));
        String dst = fixture.project + "/mounted-" + System.nanoTime() % 100000;
        String mount = "/v2/" + dst + "/blobs/uploads/?mount=" + digest + "&from=" + source;
        String challenged = "repository:" + dst + ":pull,push repository:library/" + source + ":pull";
        row("Mounting a blob from another repository", anonymous, "POST", mount, null, Map.of(), 401, "UNAUTHORIZED",
                r -> assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"" + challenged + "\""));
        row("Mounting a blob from another repository", anonymous, "POST",
                "/v2/" + dst + "/blobs/uploads/?mount=" + privateDigest + "&from=" + fixture.otherProject + "/app", null, Map.of(),
                401, "UNAUTHORIZED", r -> assertThat(r.headers().firstValue("WWW-Authenticate").orElseThrow())
                        .contains("scope=\"repository:" + dst + ":pull,push\"").doesNotContain(fixture.otherProject));
        row("Mounting a blob from another repository", () -> bearer(developer, challenged), "POST", mount, null, Map.of(),
                201, null, r -> {
                    assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/v2/" + dst + "/blobs/" + digest));
                    assertThat(r.headers().firstValue("Docker-Content-Digest")).contains(digest);
                });
        row("Mounting a blob from another repository",
                () -> bearer(developer, "repository:" + dst + "-only:pull,push"), "POST",
                "/v2/" + dst + "-only/blobs/uploads/?mount=" + digest + "&from=" + source, null, Map.of(), 202, null,
                r -> assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/blobs/uploads/")));
        // mount without from still mounts a blob the caller may pull (UploadApiTest.mountingWithoutFromFindsTheBlobInAnyRepository)
        row("Mounting a blob from another repository", admin, "POST", "/v2/" + dst + "-nofrom/blobs/uploads/?mount=" + digest,
                null, Map.of(), 201, null, r -> assertThat(r.headers().firstValue("Docker-Content-Digest")).contains(digest));

        // Docker token spec, "Requesting a Token" (found 3): several space-separated scopes are each granted
        // (TokenAuthenticationTest.severalScopesInOneSpaceSeparatedScopeParameterAreEachGrantedOnGetAndPost)
        String publicRepo = "library/" + source;
        String two = "repository:" + publicRepo + ":pull repository:" + privateRepo + ":pull";
        row("Token: Requesting a Token", developer, "GET", "/service/token?service=registry&scope="
                + URLEncoder.encode(two, StandardCharsets.UTF_8), null, Map.of(), 200, null,
                r -> assertThat(actions(claims(json(r.body()).get("token").asString()))).containsExactly(
                        publicRepo + "=[\"pull\"]", privateRepo + "=[\"pull\"]"));
        row("Token: OAuth2 password grant", anonymous, "POST", "/service/token",
                ("grant_type=password&service=registry&client_id=docker&username="
                        + enc(fixture.credentials("developer").split(":", 2)[0]) + "&password=" + enc(AccessFixture.PASSWORD)
                        + "&scope=" + enc(two)).getBytes(StandardCharsets.UTF_8),
                Map.of("Content-Type", "application/x-www-form-urlencoded"), 200, null,
                r -> assertThat(actions(claims(json(r.body()).get("access_token").asString()))).containsExactly(
                        publicRepo + "=[\"pull\"]", privateRepo + "=[\"pull\"]"));
        // The Docker CLI's login: a robot gets no refresh token, so docker stores the Secret's name and secret
        // (DockerLoginClientTest, TokenAuthenticationTest.robotsGetNoRefreshTokenOnEitherForm)
        row("Token: Requesting a Token (offline_token)", () -> fixture.basic(port, "robot-pull"), "GET",
                "/service/token?service=registry&offline_token=true&scope=repository:" + privateRepo + ":pull", null, Map.of(),
                200, null, r -> assertThat(json(r.body()).has("refresh_token")).as(r.body()).isFalse());
        row("Token: Requesting a Token (offline_token)", developer, "GET",
                "/service/token?service=registry&offline_token=true&scope=repository:" + privateRepo + ":pull", null, Map.of(),
                200, null, r -> assertThat(json(r.body()).has("refresh_token")).as(r.body()).isTrue());

        // Error Codes (found 4): the error answers of /v2, each in the envelope and without Content-Disposition
        // (BaseEndpointAndNamesTest.noErrorAnswerCarriesAContentDispositionHeader)
        row("Pulling blobs", admin, "GET", "/v2/" + repo + "/blobs/" + ZERO_DIGEST, 404, "BLOB_UNKNOWN");
        row("Pulling blobs", admin, "HEAD", "/v2/" + repo + "/blobs/" + ZERO_DIGEST, 404, null);
        row("Pulling blobs", admin, "GET", "/v2/" + repo + "/blobs/sha256:1.2", 400, "DIGEST_INVALID");
        row("Pushing blobs", admin, "GET", "/v2/" + repo + "/blobs/uploads/00000000-0000-0000-0000-000000000000", 404,
                "BLOB_UPLOAD_UNKNOWN");
        row("Pushing blobs", guest, "POST", "/v2/" + privateRepo + "/blobs/uploads/", 403, "DENIED");
        row("Listing tags", admin, "GET", "/v2/" + fixture.project + "/no-such-repository/tags/list", 404, "NAME_UNKNOWN");
        row("Listing tags", admin, "GET", "/v2/" + repo + "/tags/list?n=-1", 400, "PAGINATION_NUMBER_INVALID");
        row("Listing tags", admin, "GET", "/v2/Upper/case/tags/list", 400, "NAME_INVALID");
        row("Listing tags", anonymous, "GET", "/v2/" + privateRepo + "/tags/list", 401, "UNAUTHORIZED");
        row("Listing referrers", admin, "GET", "/v2/" + repo + "/referrers/sha256:1.2", 400, "DIGEST_INVALID");
        row("Pulling manifests", anonymous, "GET", "/v2/" + privateRepo + "/manifests/v1.0", 401, "UNAUTHORIZED");
        row("Pulling manifests", admin, "POST", "/v2/" + repo + "/manifests/v1.0", 405, "UNSUPPORTED");
        row("Error Codes", admin, "GET", "/v2/" + repo + "/nothing-here", 404, "UNSUPPORTED");

        // docker search (GET /v1/search, the Docker CLI's format; SearchApiTest)
        row("docker search", admin, "GET", "/v1/search?q=" + source + "&n=5", null, Map.of(), 200, null, r -> {
            JsonNode page = json(r.body());
            assertThat(page.get("query").asString()).isEqualTo(source);
            assertThat(page.get("page_size").asInt()).isEqualTo(5);
            assertThat(page.get("results").get(0).get("name").asString()).isEqualTo("library/" + source);
            assertThat(page.get("results").get(0).get("is_official").asBoolean()).isTrue();
        });
        row("docker search", anonymous, "GET", "/v1/search?n=5", 400, "UNSUPPORTED");
        row("docker search", anonymous, "GET", "/v1/search?q=x&n=0", 400, "PAGINATION_NUMBER_INVALID");

        return rows.stream().map(row -> DynamicTest.dynamicTest(row.name(), () -> {
            try {
                check(row);
            } catch (AssertionError e) {
                // surefire's report shows a dynamic test by index: say which pair failed
                throw new AssertionError(row.name() + ": " + e.getMessage(), e);
            }
        }));
    }

    private void check(Row row) {
        HttpResponse<String> r = row.caller().client().send(row.method(), row.path(), row.body(), row.headers());
        assertThat(r.statusCode()).as("%s: %s", row.name(), r.body()).isEqualTo(row.status());
        assertThat(r.headers().firstValue("Content-Disposition")).as("Content-Disposition").isEmpty();
        if (row.path().startsWith("/v2/")) {
            assertThat(r.headers().firstValue("Docker-Distribution-API-Version")).contains("registry/2.0");
        }
        if (row.status() == 401) {
            assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(c -> assertThat(c).startsWith("Bearer "));
        }
        if ("HEAD".equals(row.method())) {
            assertThat(r.body()).isEmpty();
        } else if (row.code() != null) {
            assertOciError(r, row.status(), row.code());
        }
        row.also().accept(r);
    }

    /** A client with a Bearer token the developer got for {@code scopes} from the token service. */
    private RegistryClient bearer(Caller caller, String scopes) {
        HttpResponse<String> issued = caller.client().send("GET", "/service/token?service=registry&scope=" + enc(scopes));
        assertThat(issued.statusCode()).as(issued.body()).isEqualTo(200);
        return RegistryClient.withAuthorization(port, "Bearer " + json(issued.body()).get("token").asString());
    }

    private static JsonNode claims(String jwt) {
        return JSON.readTree(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]));
    }

    /** The token's {@code access} claim as {@code name=[actions]}, in order. */
    private static List<String> actions(JsonNode claims) {
        List<String> out = new ArrayList<>();
        claims.get("access").forEach(a -> out.add(a.get("name").asString() + "=" + a.get("actions")));
        return out;
    }

    private static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
