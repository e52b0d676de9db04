package dev.registry.api.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Distribution spec "Pushing blobs": POST to start (end-4a), chunked PATCH with Content-Range
 * (end-5, out of order → 416), streamed PATCH, GET status (end-13), PUT to close (end-6), DELETE to
 * cancel, cross-repository mount (end-11).
 */
class UploadApiTest extends ApiTestBase {

    private String start(String repo) {
        HttpResponse<String> r = client.send("POST", "/v2/" + repo + "/blobs/uploads/");
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.headers().firstValue("Range")).contains("0-0");
        assertThat(r.headers().firstValue("Docker-Upload-UUID")).isPresent();
        return r.headers().firstValue("Location").orElseThrow();
    }

    private HttpResponse<String> patch(String location, byte[] chunk, String contentRange) {
        return client.send("PATCH", location, chunk, contentRange == null
                ? Map.of("Content-Type", "application/octet-stream")
                : Map.of("Content-Type", "application/octet-stream", "Content-Range", contentRange));
    }

    private static String withDigest(String location, String digest) {
        return location + (location.contains("?") ? "&" : "?") + "digest=" + digest;
    }

    @Test
    void aChunkedUploadInOrderCompletesAndTheBlobMatches() {
        String repo = uniqueRepo("chunked");
        byte[] content = bytes(3_000_000, 21);
        String location = start(repo);
        HttpResponse<String> first = patch(location, Arrays.copyOfRange(content, 0, 1_000_000), "0-999999");
        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(first.headers().firstValue("Range")).contains("0-999999");
        location = first.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> second = patch(location, Arrays.copyOfRange(content, 1_000_000, 2_000_000), "1000000-1999999");
        assertThat(second.headers().firstValue("Range")).contains("0-1999999");

        HttpResponse<String> status = client.send("GET", location);
        assertThat(status.statusCode()).isEqualTo(204);
        assertThat(status.headers().firstValue("Range")).contains("0-1999999");

        String digest = RegistryClient.digest(content);
        HttpResponse<String> put = client.send("PUT", withDigest(location, digest), Arrays.copyOfRange(content, 2_000_000, 3_000_000),
                Map.of("Content-Type", "application/octet-stream"));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.headers().firstValue("Docker-Content-Digest")).contains(digest);
        assertThat(client.sendForBytes("GET", "/v2/" + repo + "/blobs/" + digest, Map.of()).body()).isEqualTo(content);
        assertOciError(client.send("GET", location), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void aStreamedPatchWithoutContentRangeThenAnEmptyPutCompletes() {
        String repo = uniqueRepo("streamed");
        byte[] content = bytes(600_000, 22);
        String location = start(repo);
        HttpResponse<String> p = patch(location, content, null);
        assertThat(p.statusCode()).isEqualTo(202);
        String digest = RegistryClient.digest(content);
        HttpResponse<String> put = client.send("PUT", withDigest(p.headers().firstValue("Location").orElseThrow(), digest));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(client.send("HEAD", "/v2/" + repo + "/blobs/" + digest).statusCode()).isEqualTo(200);
    }

    @Test
    void aChunkOutOfOrderAnswers416AndLeavesTheUploadAsItWas() {
        String repo = uniqueRepo("order");
        byte[] content = bytes(2000, 23);
        String location = start(repo);
        patch(location, Arrays.copyOfRange(content, 0, 1000), "0-999");
        HttpResponse<String> skip = patch(location, Arrays.copyOfRange(content, 1000, 2000), "1500-2499");
        assertOciError(skip, 416, "RANGE_INVALID");
        assertThat(client.send("GET", location).headers().firstValue("Range")).contains("0-999");
        patch(location, Arrays.copyOfRange(content, 1000, 2000), "1000-1999");
        assertThat(client.send("PUT", withDigest(location, RegistryClient.digest(content))).statusCode()).isEqualTo(201);
    }

    @Test
    void aChunkWhoseLengthDisagreesWithContentRangeIsRefusedAndRolledBack() {
        String repo = uniqueRepo("size");
        String location = start(repo);
        patch(location, bytes(100, 24), "0-99");
        HttpResponse<String> r = patch(location, bytes(50, 25), "100-199");
        assertOciError(r, 400, "SIZE_INVALID");
        assertThat(client.send("GET", location).headers().firstValue("Range")).contains("0-99");
    }

    @Test
    void closingWithTheWrongDigestIsRefusedAndNothingIsKept() {
        String repo = uniqueRepo("baddigest");
        byte[] content = bytes(5000, 26);
        String location = start(repo);
        patch(location, content, null);
        String wrong = RegistryClient.digest("not it".getBytes());
        assertOciError(client.send("PUT", withDigest(location, wrong)), 400, "DIGEST_INVALID");
        assertThat(client.send("HEAD", "/v2/" + repo + "/blobs/" + wrong).statusCode()).isEqualTo(404);
        assertThat(client.send("HEAD", "/v2/" + repo + "/blobs/" + RegistryClient.digest(content)).statusCode()).isEqualTo(404);
        assertOciError(client.send("GET", location), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void closingWithoutADigestIsRefused() {
        String location = start(uniqueRepo("nodigest"));
        assertOciError(client.send("PUT", location), 400, "DIGEST_INVALID");
    }

    @Test
    void cancellingAnUploadAnswers204AndForgetsIt() {
        String location = start(uniqueRepo("cancel"));
        patch(location, bytes(10, 27), null);
        assertThat(client.send("DELETE", location).statusCode()).isEqualTo(204);
        assertOciError(client.send("GET", location), 404, "BLOB_UPLOAD_UNKNOWN");
        assertOciError(client.send("DELETE", location), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void anUnknownUploadIdOrAnUploadOfAnotherRepositoryIsBlobUploadUnknown() {
        String repo = uniqueRepo("unknown");
        assertOciError(client.send("PATCH", "/v2/" + repo + "/blobs/uploads/00000000-0000-0000-0000-000000000000",
                new byte[1], Map.of()), 404, "BLOB_UPLOAD_UNKNOWN");
        assertOciError(client.send("GET", "/v2/" + repo + "/blobs/uploads/..%2F..%2Fetc"), 404, "BLOB_UPLOAD_UNKNOWN");
        String location = start(repo);
        String other = location.replace(repo, uniqueRepo("other"));
        assertOciError(client.send("GET", other), 404, "BLOB_UPLOAD_UNKNOWN");
    }

    @Test
    void aClientThatDisconnectsMidChunkLeavesTheUploadResumableAndNoHalfBlobVisible() throws Exception {
        String repo = uniqueRepo("disconnect");
        byte[] content = bytes(400_000, 28);
        String location = start(repo);
        patch(location, Arrays.copyOfRange(content, 0, 100_000), "0-99999");
        try (Socket socket = new Socket("localhost", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("PATCH " + location + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Range: 100000-399999\r\nContent-Length: 300000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(content, 100_000, 120_000);
            out.flush();
        }
        // the server notices the closed connection, rolls the chunk back and the upload stays at 100000
        String range = null;
        for (int i = 0; i < 50; i++) {
            range = client.send("GET", location).headers().firstValue("Range").orElse(null);
            if ("0-99999".equals(range)) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(range).isEqualTo("0-99999");
        assertThat(client.send("HEAD", "/v2/" + repo + "/blobs/" + RegistryClient.digest(content)).statusCode()).isEqualTo(404);

        patch(location, Arrays.copyOfRange(content, 100_000, 400_000), "100000-399999");
        assertThat(client.send("PUT", withDigest(location, RegistryClient.digest(content))).statusCode()).isEqualTo(201);
        assertThat(client.sendForBytes("GET", "/v2/" + repo + "/blobs/" + RegistryClient.digest(content), Map.of()).body())
                .isEqualTo(content);
    }

    @Test
    void twoClientsPushingTheSameBlobAtOnceBothSucceedAndOneBlobResults() throws Exception {
        String repo = uniqueRepo("sameblob");
        byte[] content = bytes(1_000_000, 29);
        CountDownLatch gate = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                results.add(pool.submit(() -> {
                    gate.await();
                    return client.send("POST", "/v2/" + repo + "/blobs/uploads/?digest=" + RegistryClient.digest(content),
                            content, Map.of("Content-Type", "application/octet-stream")).statusCode();
                }));
            }
            gate.countDown();
            for (Future<Integer> r : results) {
                assertThat(r.get()).isEqualTo(201);
            }
        } finally {
            pool.shutdown();
        }
        assertThat(client.sendForBytes("GET", "/v2/" + repo + "/blobs/" + RegistryClient.digest(content), Map.of()).body())
                .isEqualTo(content);
    }

    @Test
    void mountingFromARepositoryThatHasTheBlobAnswers201WithoutUpload() {
        String source = uniqueRepo("src");
        String target = uniqueRepo("dst");
        String digest = client.pushBlob(source, bytes(4000, 30));
        HttpResponse<String> r = client.send("POST", "/v2/" + target + "/blobs/uploads/?mount=" + digest + "&from=" + source);
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(r.headers().firstValue("Location")).contains("/v2/" + target + "/blobs/" + digest);
        assertThat(client.send("HEAD", "/v2/" + target + "/blobs/" + digest).statusCode()).isEqualTo(200);
    }

    @Test
    void mountingFromARepositoryWithoutTheBlobFallsBackToAnUploadSession() {
        String digest = RegistryClient.digest("never pushed".getBytes());
        HttpResponse<String> r = client.send("POST", "/v2/" + uniqueRepo("dst") + "/blobs/uploads/?mount=" + digest
                + "&from=" + uniqueRepo("empty"));
        assertThat(r.statusCode()).isEqualTo(202);
        assertThat(r.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).contains("/blobs/uploads/"));
    }

    @Test
    void mountingWithoutFromFindsTheBlobInAnyRepository() {
        String digest = client.pushBlob(uniqueRepo("somewhere"), bytes(1234, 31));
        String target = uniqueRepo("anon-mount");
        HttpResponse<String> r = client.send("POST", "/v2/" + target + "/blobs/uploads/?mount=" + digest);
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(client.send("HEAD", "/v2/" + target + "/blobs/" + digest).statusCode()).isEqualTo(200);
    }

    @org.springframework.beans.factory.annotation.Autowired
    dev.registry.core.access.UserService users;
    @org.springframework.beans.factory.annotation.Autowired
    dev.registry.core.project.ProjectService projects;

    /** A new developer of a new project, so that no other test's open uploads count against it. */
    private RegistryClient developerOfNewProject(String project) {
        String username = project + "-dev";
        long id = users.create(username, dev.registry.api.access.AccessFixture.PASSWORD, null, null, false).id();
        projects.setMember(projects.create(project, false, null, "admin", null).id(), id, dev.registry.core.project.Role.DEVELOPER);
        return new RegistryClient(port, username, dev.registry.api.access.AccessFixture.PASSWORD);
    }

    private static List<String> open(RegistryClient as, String repo, int count) {
        List<String> locations = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            HttpResponse<String> r = as.send("POST", "/v2/" + repo + "/blobs/uploads/");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            locations.add(r.headers().firstValue("Location").orElseThrow());
        }
        return locations;
    }

    /** Issue 11, security item 11: registry.uploads.limits.max-open-per-repository (100 by default). */
    @Test
    void aRepositoryHoldsAtMost100OpenUploadsAndTheNextIs429WithRetryAfterUntilOneEnds() {
        String project = "capr" + System.nanoTime() % 100000;
        RegistryClient developer = developerOfNewProject(project);
        String repo = project + "/app";
        List<String> locations = open(developer, repo, 100);

        HttpResponse<String> refused = developer.send("POST", "/v2/" + repo + "/blobs/uploads/");

        assertOciError(refused, 429, "TOOMANYREQUESTS");
        assertThat(refused.body()).contains("repository " + repo + " has 100 open uploads");
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(s -> assertThat(Long.parseLong(s)).isPositive());
        // another repository of the project is not affected, and a cancelled upload frees a slot
        assertThat(developer.send("POST", "/v2/" + project + "/other/blobs/uploads/").statusCode()).isEqualTo(202);
        assertThat(developer.send("DELETE", locations.getFirst()).statusCode()).isEqualTo(204);
        assertThat(developer.send("POST", "/v2/" + repo + "/blobs/uploads/").statusCode()).isEqualTo(202);
    }

    /** Issue 11, security item 11: registry.uploads.limits.max-open-per-principal (200 by default). */
    @Test
    void aPrincipalHoldsAtMost200OpenUploadsAcrossRepositories() {
        String project = "capp" + System.nanoTime() % 100000;
        RegistryClient developer = developerOfNewProject(project);
        open(developer, project + "/a", 100);
        open(developer, project + "/b", 100);

        HttpResponse<String> refused = developer.send("POST", "/v2/" + project + "/c/blobs/uploads/");

        assertOciError(refused, 429, "TOOMANYREQUESTS");
        assertThat(refused.body()).contains(project + "-dev has 200 open uploads");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        // someone else may still start one there
        assertThat(client.send("POST", "/v2/" + project + "/c/blobs/uploads/").statusCode()).isEqualTo(202);
    }
}
