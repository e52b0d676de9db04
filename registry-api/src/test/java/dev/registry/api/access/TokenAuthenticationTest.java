package dev.registry.api.access;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.TestImages;
import dev.registry.core.access.RobotService;
import dev.registry.core.access.UserService;
import dev.registry.core.access.internal.SigningKeys;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Docker registry token spec ("Token Authentication Specification", "Token Authentication
 * Implementation", "OAuth2 Token Authentication") as clients meet it: the challenge, anonymous
 * and signed-in tokens, what a token grants (the intersection of the request and the caller's
 * rights), refused tokens (tampered, foreign audience, expired, refresh token used as access
 * token), the refresh flow, Basic credentials on /v2, and throttled logins.
 */
@RegistryIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TokenAuthenticationTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    @Autowired
    UserService users;
    @Autowired
    RobotService robots;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    SigningKeys keys;

    private AccessFixture fixture;
    private RegistryClient admin;
    private String repo;

    @BeforeAll
    void content() {
        fixture = AccessFixture.create(context);
        admin = new RegistryClient(port);
        repo = fixture.project + "/app";
        byte[] config = "{\"token\":true}".getBytes();
        byte[] layer = "layer of the token test".getBytes();
        String manifest = TestImages.ociManifest(admin.pushBlob(repo, config), config.length, admin.pushBlob(repo, layer), layer.length);
        assertThat(admin.pushManifest(repo, "1.0", TestImages.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);
    }

    private HttpResponse<String> tokenRequest(RegistryClient as, String... scopes) {
        StringBuilder query = new StringBuilder("/service/token?service=registry");
        for (String scope : scopes) {
            query.append("&scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        }
        return as.send("GET", query.toString());
    }

    private JsonNode token(RegistryClient as, String... scopes) {
        HttpResponse<String> response = tokenRequest(as, scopes);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private RegistryClient bearer(String token) {
        return RegistryClient.withAuthorization(port, "Bearer " + token);
    }

    private static JsonNode claims(String jwt) {
        String payload = jwt.split("\\.")[1];
        return JSON.readTree(java.util.Base64.getUrlDecoder().decode(payload));
    }

    @Test
    void theVersionCheckWithoutCredentialsAnswers401WithABearerChallengeNamingRealmAndService() {
        HttpResponse<String> response = RegistryClient.anonymous(port).send("GET", "/v2/");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate")).hasValue(
                "Bearer realm=\"http://localhost:" + port + "/service/token\",service=\"registry\"");
        assertThat(JSON.readTree(response.body()).get("errors").get(0).get("code").asString()).isEqualTo("UNAUTHORIZED");
    }

    @Test
    void aRefusedPullNamesTheScopeItNeedsInTheChallenge() {
        HttpResponse<String> response = RegistryClient.anonymous(port).send("GET", "/v2/" + repo + "/manifests/1.0");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("scope=\"repository:" + repo + ":pull\"");
    }

    @Test
    void aTokenCarriesTheSpecsClaimsAndGrantsOnlyWhatTheCallerMayOfWhatWasAsked() {
        // given a guest asking for pull and push on the project's repository and pull on another project's
        JsonNode response = token(fixture.basic(port, "guest"), "repository:" + repo + ":pull,push",
                "repository:" + fixture.otherProject + "/app:pull");

        // then the response has the spec's fields and the token grants pull only, nothing elsewhere
        assertThat(response.get("token").asString()).isEqualTo(response.get("access_token").asString());
        assertThat(response.get("expires_in").asLong()).isEqualTo(300);
        assertThat(Instant.parse(response.get("issued_at").asString())).isBefore(Instant.now().plusSeconds(1));
        JsonNode claims = claims(response.get("token").asString());
        assertThat(claims.get("iss").asString()).isEqualTo("registry");
        assertThat(claims.get("aud").asString()).isEqualTo("registry");
        assertThat(claims.get("sub").asString()).startsWith("guest-");
        assertThat(claims.get("exp").asLong() - claims.get("iat").asLong()).isEqualTo(300);
        assertThat(claims.get("access").toString()).isEqualTo("[{\"type\":\"repository\",\"name\":\"" + repo
                + "\",\"actions\":[\"pull\"]},{\"type\":\"repository\",\"name\":\"" + fixture.otherProject
                + "/app\",\"actions\":[]}]");
    }

    /** Issue 12, found 3: several scopes in one space-separated {@code scope} (the OAuth 2 form) are each granted. */
    @Test
    void severalScopesInOneSpaceSeparatedScopeParameterAreEachGrantedOnGetAndPost() {
        String both = "repository:" + repo + ":pull  repository:" + fixture.project + "/second:pull";
        JsonNode get = token(fixture.basic(port, "guest"), both);
        HttpResponse<String> post = RegistryClient.anonymous(port).send("POST", "/service/token",
                ("grant_type=password&service=registry&client_id=test&username=" + fixture.credentials("guest").split(":")[0]
                        + "&password=" + AccessFixture.PASSWORD + "&scope=" + URLEncoder.encode(both, StandardCharsets.UTF_8)
                        + "&scope=" + URLEncoder.encode("repository:" + fixture.otherProject + "/app:pull", StandardCharsets.UTF_8))
                        .getBytes(),
                Map.of("Content-Type", "application/x-www-form-urlencoded"));

        String expected = "[{\"type\":\"repository\",\"name\":\"" + repo + "\",\"actions\":[\"pull\"]},"
                + "{\"type\":\"repository\",\"name\":\"" + fixture.project + "/second\",\"actions\":[\"pull\"]}";
        assertThat(claims(get.get("token").asString()).get("access").toString()).isEqualTo(expected + "]");
        assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
        assertThat(claims(JSON.readTree(post.body()).get("access_token").asString()).get("access").toString())
                .isEqualTo(expected + ",{\"type\":\"repository\",\"name\":\"" + fixture.otherProject
                        + "/app\",\"actions\":[]}]");
    }

    /**
     * Issue 12, found 2: the challenge for a cross-repository mount also names pull on the source (as
     * Distribution's does), canonical and only when the caller could be granted it; a token for exactly
     * the challenged scopes mounts (201), one for the destination only falls back to an upload (202).
     */
    @Test
    void aMountChallengeNamesPullOnAVisibleSourceAndATokenForTheChallengedScopesMounts() {
        byte[] content = "blob mounted from the public library".getBytes();
        String digest = admin.pushBlob("mountsrc-tokentest", content);
        String privateDigest = admin.pushBlob(fixture.otherProject + "/app", "private mount source".getBytes());
        String dst = repo + "-mounted";
        String mount = "/v2/" + dst + "/blobs/uploads/?mount=" + digest + "&from=mountsrc-tokentest";

        // when an anonymous client tries the mount from a public source, and from a private one it cannot see
        HttpResponse<String> fromPublic = RegistryClient.anonymous(port).send("POST", mount, null, Map.of());
        HttpResponse<String> fromPrivate = RegistryClient.anonymous(port).send("POST", "/v2/" + dst + "/blobs/uploads/?mount="
                + privateDigest + "&from=" + fixture.otherProject + "/app", null, Map.of());
        HttpResponse<String> withoutFrom = RegistryClient.anonymous(port).send("POST", "/v2/" + dst + "/blobs/uploads/?mount="
                + digest, null, Map.of());

        // then the first challenge names both scopes (the source canonical), the others only the destination
        String both = "repository:" + dst + ":pull,push repository:library/mountsrc-tokentest:pull";
        assertThat(fromPublic.statusCode()).isEqualTo(401);
        assertThat(fromPublic.headers().firstValue("WWW-Authenticate").orElseThrow()).contains("scope=\"" + both + "\"");
        JsonNode detail = JSON.readTree(fromPublic.body()).get("errors").get(0).get("detail");
        assertThat(detail.size()).isEqualTo(1);
        assertThat(detail.get(0).get("Name").asString()).isEqualTo(dst);
        assertThat(detail.get(0).get("Action").asString()).isEqualTo("pull,push");
        assertThat(fromPrivate.statusCode()).isEqualTo(401);
        assertThat(fromPrivate.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("scope=\"repository:" + dst + ":pull,push\"").doesNotContain(fixture.otherProject);
        assertThat(withoutFrom.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("scope=\"repository:" + dst + ":pull,push\"");

        // a developer's token for the destination alone uploads instead; one for the challenged scopes mounts
        String dstOnly = token(fixture.basic(port, "developer"), "repository:" + dst + ":pull,push").get("token").asString();
        assertThat(bearer(dstOnly).send("POST", mount, null, Map.of()).statusCode()).isEqualTo(202);
        String challenged = token(fixture.basic(port, "developer"), both).get("token").asString();
        HttpResponse<String> mounted = bearer(challenged).send("POST", mount, null, Map.of());
        assertThat(mounted.statusCode()).as(mounted.body()).isEqualTo(201);
        assertThat(admin.send("HEAD", "/v2/" + dst + "/blobs/" + digest).statusCode()).isEqualTo(200);
    }

    @Test
    void aScopeEscalationInTheRequestGivesNothingAndThePushWithThatTokenIsDenied() {
        String token = token(fixture.basic(port, "guest"), "repository:" + repo + ":push,delete,*").get("token").asString();

        HttpResponse<String> push = bearer(token).send("POST", "/v2/" + repo + "/blobs/uploads/", null, Map.of());

        assertThat(claims(token).get("access").get(0).get("actions").toString()).isEqualTo("[\"pull\"]");
        assertThat(push.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(push.body()).get("errors").get(0).get("code").asString()).isEqualTo("DENIED");
        assertThat(push.body()).contains("may not push in project " + fixture.project);
    }

    @Test
    void anAnonymousTokenPullsFromThePublicLibraryAndCurlNeedsNoTokenThere() {
        // given an image in the library project under a one-component name, as in the registry:2 tutorials
        byte[] config = "{\"alpine\":1}".getBytes();
        byte[] layer = "alpine layer".getBytes();
        String manifest = TestImages.ociManifest(admin.pushBlob("alpine-tokentest", config), config.length,
                admin.pushBlob("alpine-tokentest", layer), layer.length);
        assertThat(admin.pushManifest("alpine-tokentest", "3", TestImages.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);

        // when an anonymous client asks for pull and push
        String token = token(RegistryClient.anonymous(port), "repository:alpine-tokentest:pull,push").get("token").asString();

        // then it may pull with the token, and without one, but not push
        assertThat(claims(token).get("access").get(0).get("actions").toString()).isEqualTo("[\"pull\"]");
        // issue 11, correctness 2: the grant is for library/alpine-tokentest, under the name the client asked for
        assertThat(claims(token).get("access").get(0).get("name").asString()).isEqualTo("alpine-tokentest");
        String canonical = token(RegistryClient.anonymous(port), "repository:library/alpine-tokentest:pull").get("token").asString();
        assertThat(claims(canonical).get("access").get(0).get("name").asString()).isEqualTo("library/alpine-tokentest");
        assertThat(bearer(canonical).send("GET", "/v2/alpine-tokentest/manifests/3").statusCode()).isEqualTo(200);
        assertThat(bearer(token).send("GET", "/v2/library/alpine-tokentest/manifests/3").statusCode()).isEqualTo(200);
        assertThat(bearer(token).send("GET", "/v2/alpine-tokentest/manifests/3").statusCode()).isEqualTo(200);
        HttpResponse<String> tags = RegistryClient.anonymous(port).send("GET", "/v2/alpine-tokentest/tags/list");
        assertThat(tags.statusCode()).isEqualTo(200);
        assertThat(tags.body()).isEqualTo("{\"name\":\"library/alpine-tokentest\",\"tags\":[\"3\"]}");
        assertThat(RegistryClient.anonymous(port).send("POST", "/v2/alpine-tokentest/blobs/uploads/", null, Map.of()).statusCode())
                .isEqualTo(401);
    }

    /**
     * Issue 15: every anonymous pull asks for a token first, and an anonymous token names nobody, so one signed for the
     * same access is handed out again for a while (with the seconds it has left, issued when it was), but never once the
     * access changed: the grant is decided afresh on every request. A signed-in caller always gets a token of its own.
     */
    @Test
    void anAnonymousTokenForTheSameAccessIsHandedOutAgainUntilTheAccessChangesAndASignedInCallerGetsANewOne() {
        // given a public project of this test's own with an image
        String project = "anon-reuse";
        Map<String, String> json = Map.of("Content-Type", "application/json");
        assertThat(admin.send("POST", "/api/v1/projects", ("{\"name\":\"" + project + "\",\"public\":true}").getBytes(), json)
                .statusCode()).isEqualTo(201);
        String repository = project + "/app";
        byte[] config = "{\"reuse\":1}".getBytes();
        byte[] layer = "layer of the reuse test".getBytes();
        String manifest = TestImages.ociManifest(admin.pushBlob(repository, config), config.length,
                admin.pushBlob(repository, layer), layer.length);
        assertThat(admin.pushManifest(repository, "1", TestImages.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);
        String scope = "repository:" + repository + ":pull";

        // when two anonymous clients ask for the same scope
        JsonNode first = token(RegistryClient.anonymous(port), scope);
        JsonNode second = token(RegistryClient.anonymous(port), scope);

        // then the second gets the same token, with no more time than the first had and when it was issued
        assertThat(second.get("token").asString()).isEqualTo(first.get("token").asString());
        assertThat(second.get("issued_at").asString()).isEqualTo(first.get("issued_at").asString());
        assertThat(second.get("expires_in").asLong()).isBetween(1L, first.get("expires_in").asLong());
        assertThat(bearer(second.get("token").asString()).send("GET", "/v2/" + repository + "/manifests/1").statusCode())
                .isEqualTo(200);
        // asking for push as well grants the same (anonymous callers never push): the same token; another
        // repository is other access: another token
        assertThat(token(RegistryClient.anonymous(port), scope + ",push").get("token").asString())
                .isEqualTo(first.get("token").asString());
        assertThat(token(RegistryClient.anonymous(port), "repository:" + project + "/other:pull").get("token").asString())
                .isNotEqualTo(first.get("token").asString());

        // when the project is made private
        assertThat(admin.send("PATCH", "/api/v1/projects/" + project, "{\"public\":false}".getBytes(), json).statusCode())
                .isEqualTo(200);

        // then an anonymous client gets a new token that grants nothing there, and /v2 refuses with it
        JsonNode afterwards = token(RegistryClient.anonymous(port), scope);
        assertThat(afterwards.get("token").asString()).isNotEqualTo(first.get("token").asString());
        assertThat(claims(afterwards.get("token").asString()).get("access").get(0).get("actions").size()).isZero();
        assertThat(bearer(afterwards.get("token").asString()).send("GET", "/v2/" + repository + "/manifests/1").statusCode())
                .isEqualTo(401);

        // and a signed-in caller never gets another caller's token, nor its own twice
        assertThat(token(admin, scope).get("token").asString()).isNotEqualTo(token(admin, scope).get("token").asString());
    }

    /**
     * Issue 11, correctness 4: an anonymous token request for a private project is answered as
     * Distribution's token servers do: 200 with a token granting nothing there (no 401, which clients
     * print as "invalid username/password" though none was given); the refusal comes from /v2.
     */
    @Test
    void anAnonymousTokenRequestForAPrivateProjectGetsATokenGrantingNothingAndV2RefusesWithAChallenge() {
        HttpResponse<String> response = tokenRequest(RegistryClient.anonymous(port), "repository:" + repo + ":pull,push",
                "repository:" + fixture.otherProject + "/missing:pull");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.has("scope")).as("no scope is granted, so none is listed: " + body).isFalse();
        JsonNode access = claims(body.get("token").asString()).get("access");
        assertThat(access.valueStream().map(a -> a.get("actions").size())).containsOnly(0);
        HttpResponse<String> pull = bearer(body.get("token").asString()).send("GET", "/v2/" + repo + "/manifests/1.0");
        assertThat(pull.statusCode()).isEqualTo(401);
        assertThat(pull.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer realm="));
    }

    @Test
    void aTamperedTokenIsRefused() {
        String token = token(fixture.basic(port, "guest"), "repository:" + repo + ":pull").get("token").asString();
        String[] parts = token.split("\\.");
        // the guest rewrites its access claim to push; the signature no longer matches
        String forged = new String(java.util.Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("[\"pull\"]", "[\"pull\",\"push\"]");
        String tampered = parts[0] + "." + java.util.Base64.getUrlEncoder().withoutPadding()
                .encodeToString(forged.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];

        HttpResponse<String> response = bearer(tampered).send("GET", "/v2/" + repo + "/manifests/1.0");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("signature is not valid");
    }

    @Test
    void aTokenSignedByAnotherKeyIsRefused() throws Exception {
        ECKey stranger = new ECKeyGenerator(Curve.P_256).generate();
        String token = sign(stranger, claims("registry", Instant.now().plusSeconds(60)));

        assertThat(bearer(token).send("GET", "/v2/" + repo + "/manifests/1.0").statusCode()).isEqualTo(401);
    }

    @Test
    void aTokenForAnotherServiceIsRefusedAndTheEndpointIssuesNoneForIt() throws Exception {
        String foreign = sign((ECKey) keys.key(), claims("another-registry", Instant.now().plusSeconds(60)));

        HttpResponse<String> response = bearer(foreign).send("GET", "/v2/" + repo + "/manifests/1.0");
        HttpResponse<String> request = admin.send("GET", "/service/token?service=another-registry&scope=repository:"
                + repo + ":pull");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("not registry");
        assertThat(request.statusCode()).isEqualTo(400);
    }

    @Test
    void anExpiredTokenIsRefusedWithAChallenge() throws Exception {
        String expired = sign((ECKey) keys.key(), claims("registry", Instant.now().minusSeconds(5)));

        HttpResponse<String> response = bearer(expired).send("GET", "/v2/" + repo + "/manifests/1.0");

        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.body()).contains("expired");
        assertThat(response.headers().firstValue("WWW-Authenticate")).isPresent();
    }

    @Test
    void theRefreshFlowGivesNewAccessTokensAndARefreshTokenIsNoAccessToken() {
        // given a refresh token from the GET form (offline_token=true)
        JsonNode first = token(fixture.basic(port, "developer"), "repository:" + repo + ":pull");
        HttpResponse<String> offline = fixture.basic(port, "developer").send("GET",
                "/service/token?service=registry&offline_token=true&scope=repository:" + repo + ":pull");
        String refresh = JSON.readTree(offline.body()).get("refresh_token").asString();
        assertThat(first.has("refresh_token")).isFalse();

        // when it is exchanged with the OAuth2 POST form for push
        HttpResponse<String> exchanged = RegistryClient.anonymous(port).send("POST", "/service/token",
                ("grant_type=refresh_token&service=registry&client_id=test&refresh_token=" + refresh + "&scope="
                        + URLEncoder.encode("repository:" + repo + ":pull,push", StandardCharsets.UTF_8)).getBytes(),
                Map.of("Content-Type", "application/x-www-form-urlencoded"));

        // then a new access token grants what the developer may, and the refresh token itself opens nothing
        assertThat(exchanged.statusCode()).as(exchanged.body()).isEqualTo(200);
        String access = JSON.readTree(exchanged.body()).get("access_token").asString();
        assertThat(claims(access).get("access").get(0).get("actions").toString()).isEqualTo("[\"pull\",\"push\"]");
        assertThat(bearer(access).send("GET", "/v2/" + repo + "/manifests/1.0").statusCode()).isEqualTo(200);
        assertThat(bearer(refresh).send("GET", "/v2/" + repo + "/manifests/1.0").statusCode()).isEqualTo(401);
    }

    @Test
    void thePasswordGrantIssuesTokensAndAWrongPasswordIsAnOAuthError() {
        HttpResponse<String> good = RegistryClient.anonymous(port).send("POST", "/service/token",
                ("grant_type=password&service=registry&client_id=test&access_type=offline&username="
                        + fixture.credentials("guest").split(":")[0] + "&password=" + AccessFixture.PASSWORD
                        + "&scope=repository:" + repo + ":pull").getBytes(),
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        HttpResponse<String> bad = RegistryClient.anonymous(port).send("POST", "/service/token",
                ("grant_type=password&service=registry&username=" + fixture.credentials("maintainer").split(":")[0]
                        + "&password=wrong").getBytes(),
                Map.of("Content-Type", "application/x-www-form-urlencoded"));

        assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
        assertThat(JSON.readTree(good.body()).has("refresh_token")).isTrue();
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(bad.body()).get("error").asString()).isEqualTo("invalid_grant");
    }

    /**
     * A robot's secret is its long-lived credential (what its Kubernetes pull Secret holds): the token
     * service issues robots no refresh token, on either form, as Harbor's does for every caller. So
     * {@code docker login} with a robot stores the robot's name and secret as the Secret has them,
     * not an identity token in their place (issue 12, "The Docker CLI's login").
     */
    @Test
    void robotsGetNoRefreshTokenOnEitherForm() {
        String[] robot = fixture.credentials("robot-pull").split(":", 2);
        HttpResponse<String> viaGet = fixture.basic(port, "robot-pull").send("GET",
                "/service/token?service=registry&offline_token=true&scope=repository:" + repo + ":pull");
        HttpResponse<String> viaPost = RegistryClient.anonymous(port).send("POST", "/service/token",
                ("grant_type=password&service=registry&client_id=docker&access_type=offline&username="
                        + URLEncoder.encode(robot[0], StandardCharsets.UTF_8) + "&password="
                        + URLEncoder.encode(robot[1], StandardCharsets.UTF_8) + "&scope=repository:" + repo + ":pull").getBytes(),
                Map.of("Content-Type", "application/x-www-form-urlencoded"));

        assertThat(viaGet.statusCode()).as(viaGet.body()).isEqualTo(200);
        assertThat(viaPost.statusCode()).as(viaPost.body()).isEqualTo(200);
        assertThat(JSON.readTree(viaGet.body()).has("refresh_token")).as(viaGet.body()).isFalse();
        assertThat(JSON.readTree(viaPost.body()).has("refresh_token")).as(viaPost.body()).isFalse();
        assertThat(JSON.readTree(viaPost.body()).get("scope").asString()).isEqualTo("repository:" + repo + ":pull");
    }

    @Test
    void basicCredentialsWorkDirectlyOnV2WithTheSameDecisions() {
        assertThat(fixture.basic(port, "guest").send("GET", "/v2/" + repo + "/tags/list").statusCode()).isEqualTo(200);
        assertThat(fixture.basic(port, "guest").send("POST", "/v2/" + repo + "/blobs/uploads/", null, Map.of()).statusCode())
                .isEqualTo(403);
        assertThat(new RegistryClient(port, fixture.credentials("guest").split(":")[0], "wrong-Passw0rd")
                .send("GET", "/v2/" + repo + "/tags/list").statusCode()).isEqualTo(401);
    }

    @Test
    void aDisabledRobotsEarlierTokenStopsWorkingAtOnce() {
        RobotService.WithSecret robot = robots.create(new RobotService.Spec("soon-disabled", null, fixture.project,
                Map.of(fixture.project, java.util.EnumSet.of(dev.registry.core.access.Action.PULL)), false, -1), "admin");
        RegistryClient asRobot = new RegistryClient(port, robot.robot().name(), robot.secret());
        String token = token(asRobot, "repository:" + repo + ":pull").get("token").asString();
        assertThat(bearer(token).send("GET", "/v2/" + repo + "/manifests/1.0").statusCode()).isEqualTo(200);

        robots.update(robot.robot().id(), true, null, null);

        HttpResponse<String> after = bearer(token).send("GET", "/v2/" + repo + "/manifests/1.0");
        assertThat(after.statusCode()).isEqualTo(401);
        assertThat(after.body()).contains("is disabled");
        assertThat(tokenRequest(asRobot, "repository:" + repo + ":pull").statusCode()).isEqualTo(401);
    }

    @Test
    void aRotatedSecretEndsTheOldSecretAndItsTokens() throws Exception {
        RobotService.WithSecret robot = robots.create(new RobotService.Spec("rotating", null, fixture.project,
                Map.of(fixture.project, java.util.EnumSet.of(dev.registry.core.access.Action.PULL)), false, -1), "admin");
        RegistryClient old = new RegistryClient(port, robot.robot().name(), robot.secret());
        String token = token(old, "repository:" + repo + ":pull").get("token").asString();
        Thread.sleep(1100); // token times have whole seconds: the rotation must fall in a later second

        RobotService.WithSecret rotated = robots.rotate(robot.robot().id());

        assertThat(old.send("GET", "/v2/" + repo + "/tags/list").statusCode()).isEqualTo(401);
        assertThat(bearer(token).send("GET", "/v2/" + repo + "/tags/list").statusCode()).isEqualTo(401);
        assertThat(new RegistryClient(port, robot.robot().name(), rotated.secret()).send("GET", "/v2/" + repo + "/tags/list")
                .statusCode()).isEqualTo(200);
    }

    // issue 11, security 1: the guesser waits (growing delays, never a lock), answered in each protocol's format
    @Test
    void repeatedWrongPasswordsMakeThatNameFromThatAddressWaitWith429AndASystemAdminEndsTheWait() {
        String username = "throttled-" + System.nanoTime() % 100000;
        long id = users.create(username, AccessFixture.PASSWORD, null, null, false).id();
        RegistryClient wrong = new RegistryClient(port, username, "Wrong-Passw0rd");
        RegistryClient right = new RegistryClient(port, username, AccessFixture.PASSWORD);
        for (int i = 0; i < 6; i++) {
            assertThat(wrong.send("GET", "/v2/").statusCode()).isEqualTo(401);
        }

        HttpResponse<String> blocked = wrong.send("GET", "/v2/");
        HttpResponse<String> evenRight = right.send("GET", "/v2/");
        HttpResponse<String> tokenEndpoint = tokenRequest(right);
        HttpResponse<String> managementApi = right.send("GET", "/api/v1/users/current");
        HttpResponse<String> unlocked = admin.send("DELETE", "/api/v1/users/" + id + "/login-failures");
        HttpResponse<String> afterUnlock = right.send("GET", "/v2/");

        assertThat(blocked.statusCode()).isEqualTo(429);
        assertThat(JSON.readTree(blocked.body()).get("errors").get(0).get("code").asString()).isEqualTo("TOOMANYREQUESTS");
        assertThat(blocked.headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 2L));
        assertThat(evenRight.statusCode()).isEqualTo(429);
        assertThat(tokenEndpoint.statusCode()).isEqualTo(429);
        assertThat(tokenEndpoint.headers().firstValue("Retry-After")).isPresent();
        assertThat(managementApi.statusCode()).isEqualTo(429);
        assertThat(managementApi.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
        assertThat(JSON.readTree(managementApi.body()).get("code").asString()).isEqualTo("TOOMANYREQUESTS");
        assertThat(managementApi.headers().firstValue("Retry-After")).isPresent();
        assertThat(unlocked.statusCode()).as(unlocked.body()).isEqualTo(204);
        assertThat(afterUnlock.statusCode()).isEqualTo(200);
    }

    // issue 11, security 1: robots pull whatever happened before
    @Test
    void aRobotIsNeverMadeToWaitByWrongSecrets() {
        String[] robot = fixture.credentials("robot-pull").split(":", 2);
        RegistryClient stale = new RegistryClient(port, robot[0], "stale-secret");
        for (int i = 0; i < 12; i++) {
            assertThat(stale.send("GET", "/v2/" + repo + "/tags/list").statusCode()).isEqualTo(401);
        }

        assertThat(fixture.basic(port, "robot-pull").send("GET", "/v2/" + repo + "/manifests/1.0").statusCode()).isEqualTo(200);
        assertThat(tokenRequest(fixture.basic(port, "robot-pull"), "repository:" + repo + ":pull").statusCode()).isEqualTo(200);
    }

    // issue 11, security 3: a pull token is no login on /api/v1 (the issue's reproduction)
    @Test
    void aTokenFromTheTokenServiceIsRefusedOnTheManagementApi() {
        String pullToken = token(fixture.basic(port, "project-admin"), "repository:library/pub:pull").get("token").asString();
        String noScope = token(fixture.basic(port, "project-admin")).get("token").asString();

        HttpResponse<String> robot = bearer(pullToken).send("POST", "/api/v1/projects/" + fixture.project + "/robots",
                "{\"name\":\"leaked\",\"permissions\":[\"pull\",\"push\"]}".getBytes(), Map.of("Content-Type", "application/json"));
        HttpResponse<String> patch = bearer(noScope).send("PATCH", "/api/v1/projects/" + fixture.project,
                "{\"public\":true}".getBytes(), Map.of("Content-Type", "application/json"));
        HttpResponse<String> withBasic = fixture.basic(port, "project-admin").send("GET", "/api/v1/projects/" + fixture.project);

        for (HttpResponse<String> refused : List.of(robot, patch)) {
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(401);
            assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/problem+json"));
            assertThat(JSON.readTree(refused.body()).get("code").asString()).isEqualTo("UNAUTHORIZED");
            assertThat(JSON.readTree(refused.body()).get("detail").asString()).contains("a user's credentials", "not a bearer token");
        }
        assertThat(withBasic.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(withBasic.body()).get("public").asBoolean()).isFalse();
        assertThat(fixture.basic(port, "project-admin").send("GET", "/api/v1/projects/" + fixture.project + "/robots").body())
                .doesNotContain(".leaked");
        // the same tokens still work on /v2 within their scopes
        assertThat(bearer(noScope).send("GET", "/v2/").statusCode()).isEqualTo(200);
    }

    private static JWTClaimsSet claims(String audience, Instant expires) {
        return new JWTClaimsSet.Builder().issuer("registry").subject("admin").audience(audience)
                .issueTime(Date.from(expires.minusSeconds(300))).expirationTime(Date.from(expires))
                .claim("kind", "user").claim("pid", 1)
                .claim("access", List.of(Map.of("type", "repository", "name", "x/y", "actions", List.of("pull")))).build();
    }

    private static String sign(ECKey key, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).type(JOSEObjectType.JWT).keyID(key.getKeyID()).build(),
                claims);
        jwt.sign(new ECDSASigner(key));
        return jwt.serialize();
    }

    @Test
    void theCatalogListsOnlyRepositoriesTheCallerMayPullAndATokenNeedsTheCatalogScope() {
        // given the fixture's repository (private) and one in the public library
        String publicRepo = "catalog-public-" + System.nanoTime() % 100000;
        byte[] config = "{\"catalog\":1}".getBytes();
        String manifest = TestImages.ociManifest(admin.pushBlob(publicRepo, config), config.length,
                admin.pushBlob(publicRepo, "layer".getBytes()), 5);
        assertThat(admin.pushManifest(publicRepo, "1", TestImages.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);

        String asGuest = fixture.basic(port, "guest").send("GET", "/v2/_catalog?n=10000").body();
        String asOutsider = fixture.basic(port, "outsider").send("GET", "/v2/_catalog?n=10000").body();
        String asAnonymous = RegistryClient.anonymous(port).send("GET", "/v2/_catalog?n=10000").body();
        String withCatalogScope = bearer(token(fixture.basic(port, "guest"), "registry:catalog:*").get("token").asString())
                .send("GET", "/v2/_catalog?n=10000").body();
        HttpResponse<String> withoutCatalogScope = bearer(token(fixture.basic(port, "guest"), "repository:" + repo + ":pull")
                .get("token").asString()).send("GET", "/v2/_catalog");

        // a one-component name is listed under its canonical name, library/<name> (issue 11, correctness 2)
        String listed = "\"library/" + publicRepo + "\"";
        assertThat(asGuest).contains("\"" + repo + "\"", listed).doesNotContain("\"" + publicRepo + "\"");
        assertThat(withCatalogScope).isEqualTo(asGuest);
        assertThat(asOutsider).contains(listed).doesNotContain(fixture.project + "/");
        assertThat(asAnonymous).contains(listed).doesNotContain(fixture.project + "/");
        assertThat(withoutCatalogScope.statusCode()).isEqualTo(401);
        assertThat(withoutCatalogScope.headers().firstValue("WWW-Authenticate").orElseThrow())
                .contains("scope=\"registry:catalog:*\"", "error=\"insufficient_scope\"");
    }
}
