package dev.registry.api.aot;

import dev.registry.api.RegistryApplication;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The training run of the JDK's ahead-of-time cache (README "Running in production", docs/benchmarks.md "Start-up"):
 * the build runs this with {@code -XX:AOTCacheOutput} instead of the registry's own main class. It starts the registry
 * on a free port of 127.0.0.1 in an empty working directory (its {@code ./data} is scratch), then does over HTTP what
 * the registry's users do first, {@link #ROUNDS} times: the Docker token dance, blob uploads (chunked and monolithic),
 * manifest pushes, pulls by tag and digest, ranged blob reads, listings, the management API and health. The
 * cache then holds the classes of those paths already linked, and the profiles of their methods (JEP 515), so a
 * replica's first pushes and pulls do not load, link and profile them from scratch. Stops the registry and returns;
 * the JVM writes the cache as it exits. Any answer other than the expected one fails the run (and the build).
 */
public final class AotTraining {

    /** Enough calls of each path for the JIT's profiles to settle, few enough to keep the build short. */
    static final int ROUNDS = 40;
    private static final String REPOSITORY = "training/app";
    private static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";

    private AotTraining() {
    }

    public static void main(String[] args) throws Exception {
        if (Files.exists(Path.of("data"))) {
            throw new IllegalStateException("the training run needs an empty working directory: "
                    + Path.of("data").toAbsolutePath() + " exists");
        }
        String password = "Tr-9" + HexFormat.of().formatHex(new SecureRandom().generateSeed(12));
        List<String> arguments = new ArrayList<>(List.of(args));
        arguments.addAll(List.of("--server.address=127.0.0.1", "--server.port=0", "--registry.admin.password=" + password));
        ConfigurableApplicationContext context = RegistryApplication.application().run(arguments.toArray(String[]::new));
        try {
            String port = context.getEnvironment().getRequiredProperty("local.server.port");
            // the probes are on the management port when it has one of its own (the image's training: MANAGEMENT_SERVER_PORT)
            String managementPort = context.getEnvironment().getProperty("local.management.port", port);
            new Workload("http://127.0.0.1:" + port, "http://127.0.0.1:" + managementPort, "admin", password).run(ROUNDS);
        } finally {
            SpringApplication.exit(context);
        }
    }

    /** One client doing the users' first calls against the registry at {@code base}, its probes at {@code actuator}. */
    static final class Workload {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
        private final String base;
        private final String actuator;
        private final String basic;
        private final Random random = new Random(15);

        Workload(String base, String actuator, String user, String password) {
            this.base = base;
            this.actuator = actuator;
            this.basic = "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        }

        void run(int rounds) throws IOException, InterruptedException {
            expect(201, send(request("/api/v1/projects").header("Authorization", basic)
                    .header("Content-Type", "application/json")
                    .POST(BodyPublishers.ofString("{\"name\":\"training\"}"))));
            for (int round = 0; round < rounds; round++) {
                String token = token("repository:" + REPOSITORY + ":pull,push");
                String bearer = "Bearer " + token;
                byte[] layer = new byte[64 * 1024 + round];
                random.nextBytes(layer);
                String layerDigest = digest(layer);
                uploadBlob(bearer, layer, layerDigest, round % 2 == 0);
                byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\","
                        + "\"diff_ids\":[\"" + layerDigest + "\"]}}").getBytes(StandardCharsets.UTF_8);
                String configDigest = digest(config);
                uploadBlob(bearer, config, configDigest, true);
                byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + OCI_MANIFEST + "\",\"config\":{\"mediaType\":"
                        + "\"application/vnd.oci.image.config.v1+json\",\"digest\":\"" + configDigest + "\",\"size\":"
                        + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\","
                        + "\"digest\":\"" + layerDigest + "\",\"size\":" + layer.length + "}]}")
                        .getBytes(StandardCharsets.UTF_8);
                String tag = "r" + round;
                expect(201, send(v2("/manifests/" + tag).header("Authorization", bearer)
                        .header("Content-Type", OCI_MANIFEST).PUT(BodyPublishers.ofByteArray(manifest))));
                pull(tag, digest(manifest), configDigest, layerDigest);
                browse();
            }
        }

        /** Checks it is missing, then uploads it: a POST, a PATCH and a PUT, or one monolithic POST. */
        private void uploadBlob(String bearer, byte[] blob, String digest, boolean chunked)
                throws IOException, InterruptedException {
            expect(404, send(v2("/blobs/" + digest).header("Authorization", bearer)
                    .method("HEAD", BodyPublishers.noBody())));
            if (!chunked) {
                expect(201, send(v2("/blobs/uploads/?digest=" + digest).header("Authorization", bearer)
                        .header("Content-Type", "application/octet-stream").POST(BodyPublishers.ofByteArray(blob))));
                return;
            }
            HttpResponse<String> started = expect(202, send(v2("/blobs/uploads/").header("Authorization", bearer)
                    .POST(BodyPublishers.noBody())));
            String location = started.headers().firstValue("Location").orElseThrow();
            HttpResponse<String> patched = expect(202, send(request(location).header("Authorization", bearer)
                    .header("Content-Type", "application/octet-stream").header("Content-Range", "0-" + (blob.length - 1))
                    .method("PATCH", BodyPublishers.ofByteArray(blob))));
            String next = patched.headers().firstValue("Location").orElseThrow();
            expect(201, send(request(next + (next.contains("?") ? "&" : "?") + "digest=" + digest)
                    .header("Authorization", bearer).PUT(BodyPublishers.noBody())));
        }

        /** What containerd does for one image: a token for pull, the manifest, the config and the layer. */
        private void pull(String tag, String manifestDigest, String configDigest, String layerDigest)
                throws IOException, InterruptedException {
            String bearer = "Bearer " + token("repository:" + REPOSITORY + ":pull");
            expect(200, send(v2("/manifests/" + tag).header("Authorization", bearer).header("Accept", OCI_MANIFEST)
                    .method("HEAD", BodyPublishers.noBody())));
            expect(200, send(v2("/manifests/" + tag).header("Authorization", bearer).header("Accept", OCI_MANIFEST)));
            expect(200, send(v2("/manifests/" + manifestDigest).header("Authorization", bearer)
                    .header("Accept", OCI_MANIFEST)));
            expect(200, send(v2("/blobs/" + configDigest).header("Authorization", bearer)));
            expect(200, send(v2("/blobs/" + layerDigest).header("Authorization", bearer)));
            expect(206, send(v2("/blobs/" + layerDigest).header("Authorization", bearer).header("Range", "bytes=0-1023")));
            expect(404, send(v2("/manifests/missing").header("Authorization", bearer).header("Accept", OCI_MANIFEST)));
            expect(200, send(v2("/tags/list").header("Authorization", bearer)));
        }

        /** The catalog, the management API and the readiness probe. */
        private void browse() throws IOException, InterruptedException {
            expect(200, send(request("/v2/_catalog").header("Authorization", basic)));
            expect(200, send(request("/api/v1/projects").header("Authorization", basic)));
            expect(200, send(request("/api/v1/projects/training/repositories").header("Authorization", basic)));
            expect(200, send(request("/api/v1/systeminfo").header("Authorization", basic)));
            expect(200, send(request(actuator + "/actuator/health/readiness")));
            expect(401, send(request("/v2/")));
        }

        /** A Bearer token from the realm of the /v2/ challenge, with the client's Basic credentials. */
        private String token(String scope) throws IOException, InterruptedException {
            String challenge = expect(401, send(request("/v2/"))).headers().firstValue("WWW-Authenticate").orElseThrow();
            String url = param(challenge, "realm") + "?service=" + URLEncoder.encode(param(challenge, "service"),
                    StandardCharsets.UTF_8) + "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8);
            return param(expect(200, send(request(url).header("Authorization", basic))).body(), "token");
        }

        private HttpRequest.Builder v2(String path) {
            return request("/v2/" + REPOSITORY + path);
        }

        private HttpRequest.Builder request(String pathOrUrl) {
            return HttpRequest.newBuilder(URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : base + pathOrUrl))
                    .timeout(Duration.ofSeconds(60));
        }

        private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
            return http.send(request.build(), BodyHandlers.ofString());
        }

        private static HttpResponse<String> expect(int status, HttpResponse<String> response) {
            if (response.statusCode() != status) {
                throw new IllegalStateException(response.request().method() + " " + response.request().uri() + ": "
                        + response.statusCode() + " instead of " + status + ": " + response.body());
            }
            return response;
        }

        /** A quoted value from a challenge ({@code realm="…"}) or a JSON body ({@code "token":"…"}). */
        private static String param(String text, String name) {
            Matcher m = Pattern.compile("\"?" + name + "\"?\\s*[=:]\\s*\"([^\"]*)\"").matcher(text);
            if (!m.find()) {
                throw new IllegalStateException("no " + name + " in " + text);
            }
            return m.group(1);
        }

        private static String digest(byte[] content) {
            try {
                return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
