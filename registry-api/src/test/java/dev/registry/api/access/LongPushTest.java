package dev.registry.api.access;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.TestImages;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * A push that outlives its token (Harbor #18860: multi-GB pushes die at the token lifetime): with
 * tokens valid for two seconds, an upload started with a token is continued and finished after the
 * token expired, by the same principal; anything else with the expired token is refused, and a
 * refresh token gets a new one for the manifest. Its own context, for the short token lifetime.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "spring.datasource.url=jdbc:h2:mem:registry-long-push;MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1",
        "registry.storage.filesystem.root=target/test-data/long-push-blobs",
        "registry.admin.password=" + RegistryIntegrationTest.ADMIN_PASSWORD,
        // the default: pushing into a project that does not exist is refused
        "registry.projects.create-on-push=false",
        "registry.auth.token.lifetime=2s",
        "logging.level.root=warn"
})
@DirtiesContext
class LongPushTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;
    @org.springframework.beans.factory.annotation.Autowired
    dev.registry.core.access.UserService users;
    @org.springframework.beans.factory.annotation.Autowired
    dev.registry.core.project.ProjectService projects;

    @Test
    void anUploadStartedWithATokenIsFinishedAfterTheTokenExpiredButNothingElseAcceptsIt() throws Exception {
        RegistryClient admin = new RegistryClient(port);
        String repo = "longpush/app";
        byte[] blob = new byte[300_000];
        new Random(7).nextBytes(blob);
        String digest = RegistryClient.digest(blob);
        long developer = users.create("long-pusher", AccessFixture.PASSWORD, null, null, false).id();
        projects.setMember(projects.create("longpush", false, null, "admin", null).id(), developer,
                dev.registry.core.project.Role.DEVELOPER);
        // given a developer's token for push (2 s), an offline refresh token, and an upload started with it
        var issued = JSON.readTree(new RegistryClient(port, "long-pusher", AccessFixture.PASSWORD).send("GET", "/service/token?service=registry&offline_token=true&scope="
                + URLEncoder.encode("repository:" + repo + ":pull,push", StandardCharsets.UTF_8)).body());
        RegistryClient withToken = RegistryClient.withAuthorization(port, "Bearer " + issued.get("token").asString());
        HttpResponse<String> started = withToken.send("POST", "/v2/" + repo + "/blobs/uploads/", null, Map.of());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        String location = started.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> first = withToken.send("PATCH", location, Arrays.copyOfRange(blob, 0, 100_000),
                Map.of("Content-Type", "application/octet-stream", "Content-Range", "0-99999"));
        assertThat(first.statusCode()).isEqualTo(202);
        // and an upload the admin started with Basic credentials
        String othersUpload = admin.send("POST", "/v2/" + repo + "/blobs/uploads/", null, Map.of())
                .headers().firstValue("Location").orElseThrow();

        // when the token expires part-way
        Thread.sleep(3_000);

        // then the same upload takes its next chunk, reports its status and completes
        HttpResponse<String> second = withToken.send("PATCH", location, Arrays.copyOfRange(blob, 100_000, 200_000),
                Map.of("Content-Type", "application/octet-stream", "Content-Range", "100000-199999"));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(202);
        assertThat(withToken.send("GET", location).statusCode()).isEqualTo(204);
        HttpResponse<String> done = withToken.send("PUT", location + (location.contains("?") ? "&" : "?") + "digest=" + digest,
                Arrays.copyOfRange(blob, 200_000, blob.length),
                Map.of("Content-Type", "application/octet-stream", "Content-Range", "200000-299999"));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(201);

        // but a new upload, a pull, and someone else's upload are refused with a challenge
        assertThat(withToken.send("POST", "/v2/" + repo + "/blobs/uploads/", null, Map.of()).statusCode()).isEqualTo(401);
        assertThat(withToken.send("HEAD", "/v2/" + repo + "/blobs/" + digest).statusCode()).isEqualTo(401);
        assertThat(withToken.send("PATCH", othersUpload, new byte[10],
                Map.of("Content-Type", "application/octet-stream", "Content-Range", "0-9")).statusCode()).isEqualTo(401);

        // and the refresh token gets a fresh access token that pushes the manifest
        var refreshed = JSON.readTree(RegistryClient.anonymous(port).send("POST", "/service/token",
                ("grant_type=refresh_token&service=registry&refresh_token=" + issued.get("refresh_token").asString()
                        + "&scope=" + URLEncoder.encode("repository:" + repo + ":pull,push", StandardCharsets.UTF_8)).getBytes(),
                Map.of("Content-Type", "application/x-www-form-urlencoded")).body());
        RegistryClient fresh = RegistryClient.withAuthorization(port, "Bearer " + refreshed.get("access_token").asString());
        byte[] config = "{}".getBytes();
        String configDigest = fresh.pushBlob(repo, config);
        HttpResponse<String> manifest = fresh.pushManifest(repo, "1.0", TestImages.OCI_MANIFEST,
                TestImages.ociManifest(configDigest, config.length, digest, blob.length));
        assertThat(manifest.statusCode()).as(manifest.body()).isEqualTo(201);
        assertThat(admin.sendForBytes("GET", "/v2/" + repo + "/blobs/" + digest, Map.of()).body()).isEqualTo(blob);
    }

    /** Issue 11, security item 4: an upload continued past its token's expiry passes the current access decision. */
    @Test
    void aMemberRemovedWhileItsUploadRunsCannotFinishItWithTheExpiredToken() throws Exception {
        RegistryClient admin = new RegistryClient(port);
        String repo = "removedpush/app";
        byte[] blob = new byte[200_000];
        new Random(11).nextBytes(blob);
        String digest = RegistryClient.digest(blob);
        long developer = users.create("removed-dev", AccessFixture.PASSWORD, null, null, false).id();
        projects.setMember(projects.create("removedpush", false, null, "admin", null).id(), developer,
                dev.registry.core.project.Role.DEVELOPER);
        // given an upload the developer started with a 2 s push token
        var issued = JSON.readTree(new RegistryClient(port, "removed-dev", AccessFixture.PASSWORD).send("GET",
                "/service/token?service=registry&scope=" + URLEncoder.encode("repository:" + repo + ":pull,push",
                        StandardCharsets.UTF_8)).body());
        RegistryClient withToken = RegistryClient.withAuthorization(port, "Bearer " + issued.get("token").asString());
        String location = withToken.send("POST", "/v2/" + repo + "/blobs/uploads/", null, Map.of())
                .headers().firstValue("Location").orElseThrow();
        assertThat(withToken.send("PATCH", location, Arrays.copyOfRange(blob, 0, 100_000),
                Map.of("Content-Type", "application/octet-stream", "Content-Range", "0-99999")).statusCode()).isEqualTo(202);

        // when an admin removes the developer from the project and the token expires
        assertThat(admin.send("DELETE", "/api/v1/projects/removedpush/members/removed-dev").statusCode()).isEqualTo(204);
        Thread.sleep(3_000);

        // then neither the next chunk nor the completion is accepted, and the blob is not in the repository
        HttpResponse<String> next = withToken.send("PATCH", location, Arrays.copyOfRange(blob, 100_000, 150_000),
                Map.of("Content-Type", "application/octet-stream", "Content-Range", "100000-149999"));
        assertThat(next.statusCode()).as(next.body()).isEqualTo(403);
        assertThat(JSON.readTree(next.body()).get("errors").get(0).get("code").asString()).isEqualTo("DENIED");
        HttpResponse<String> done = withToken.send("PUT", location + (location.contains("?") ? "&" : "?") + "digest=" + digest,
                Arrays.copyOfRange(blob, 100_000, blob.length),
                Map.of("Content-Type", "application/octet-stream", "Content-Range", "100000-199999"));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(403);
        assertThat(admin.send("HEAD", "/v2/" + repo + "/blobs/" + digest).statusCode()).isEqualTo(404);
    }

    @Test
    void withoutCreateOnPushAPushIntoAProjectThatDoesNotExistIsRefusedSayingSo() {
        RegistryClient admin = new RegistryClient(port);

        HttpResponse<String> refused = admin.send("POST", "/v2/nowhere/app/blobs/uploads/", null, Map.of());

        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(JSON.readTree(refused.body()).get("errors").get(0).get("code").asString()).isEqualTo("DENIED");
        assertThat(refused.body()).contains("project nowhere does not exist; ask an administrator to create it"
                + " (projects are not created on push)");
        assertThat(projects.find("nowhere")).isEmpty();
    }
}
