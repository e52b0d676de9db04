package dev.registry.api.clients;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.ImageFormat;
import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Jib (jib-core 0.28.1, in-process, so never skipped) builds images and pushes them over plain
 * HTTP with {@code setAllowInsecureRegistries(true)}; the registry must store exactly what Jib
 * reports, and an image built on a base image in another repository of the same registry must
 * get the base layers by cross-repository mount (spec "Mounting a blob from another repository").
 */
@RegistryIntegrationTest
class JibClientTest {

    private static final String DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
    private static final String ACCEPT_ANY_IMAGE_MANIFEST = DOCKER_MANIFEST + ", " + ImageLayout.OCI_MANIFEST;

    @TempDir
    static Path work;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;
    private RegistryClient client;
    private final ConcurrentLinkedQueue<String> jibLog = new ConcurrentLinkedQueue<>();

    @BeforeEach
    void client() {
        client = new RegistryClient(port);
        // Jib sends credentials over plain HTTP only when told to (the test registry has no TLS)
        System.setProperty("sendCredentialsOverHttp", "true");
    }

    /** Pushes to {@code repository:tag} of the registry under test, with caches of this class only. */
    private JibContainer push(JibContainerBuilder image, String repositoryAndTag) throws Exception {
        Containerizer containerizer = Containerizer.to(RegistryImage.named("localhost:" + port + "/" + repositoryAndTag)
                .addCredential(RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD))
                .setAllowInsecureRegistries(true)
                .setBaseImageLayersCache(work.resolve("cache/base"))
                .setApplicationLayersCache(work.resolve("cache/application"))
                .setToolName("registry-client-tests")
                .addEventHandler(LogEvent.class, e -> jibLog.add(e.getLevel() + " " + e.getMessage()));
        JibContainer container = image.containerize(containerizer);
        assertThat(container.isImagePushed()).as("Jib log: %s", jibLog).isTrue();
        return container;
    }

    /** Two layers from temporary files: {@code /app/<label>/run.sh} and 256 KiB under {@code /app/<label>/lib}. */
    private JibContainerBuilder scratchImage(String label, long seed) throws Exception {
        Path files = Files.createDirectories(work.resolve("files-" + label));
        Path script = Files.writeString(files.resolve("run.sh"), "#!/bin/sh\necho " + label + "\n");
        Path library = Files.write(files.resolve("library.bin"), ImageLayout.randomBytes(seed, 256 * 1024));
        return Jib.fromScratch()
                .addLayer(List.of(script), "/app/" + label)
                .addLayer(List.of(library), "/app/" + label + "/lib")
                .setEntrypoint("/app/" + label + "/run.sh")
                .addLabel("dev.registry.test", label);
    }

    private HttpResponse<byte[]> getManifest(String repository, String reference) {
        HttpResponse<byte[]> r = client.sendForBytes("GET", "/v2/" + repository + "/manifests/" + reference,
                Map.of("Accept", ACCEPT_ANY_IMAGE_MANIFEST));
        assertThat(r.statusCode()).as("GET manifest %s:%s", repository, reference).isEqualTo(200);
        return r;
    }

    private byte[] getBlob(String repository, String digest) {
        HttpResponse<byte[]> r = client.sendForBytes("GET", "/v2/" + repository + "/blobs/" + digest, Map.of());
        assertThat(r.statusCode()).as("GET blob %s from %s", digest, repository).isEqualTo(200);
        assertThat(RegistryClient.digest(r.body())).as("bytes of %s", digest).isEqualTo(digest);
        return r.body();
    }

    private static List<String> layerDigests(JsonNode manifest) {
        return manifest.path("layers").valueStream().map(layer -> layer.path("digest").asString()).toList();
    }

    @Test
    void jibPushesAnImageFromScratchThatTheRegistryServesExactly() throws Exception {
        String repository = "jib/team/scratch";
        JibContainer pushed = push(scratchImage("scratch", 41), repository + ":1.0");

        HttpResponse<byte[]> response = getManifest(repository, "1.0");
        // Jib's default format is Docker image manifest v2 schema 2
        assertThat(response.headers().firstValue("Content-Type")).hasValue(DOCKER_MANIFEST);
        assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(pushed.getDigest().toString());
        assertThat(RegistryClient.digest(response.body())).isEqualTo(pushed.getDigest().toString());

        JsonNode manifest = ImageLayout.JSON.readTree(response.body());
        assertThat(manifest.path("config").path("digest").asString()).isEqualTo(pushed.getImageId().toString());
        JsonNode config = ImageLayout.JSON.readTree(getBlob(repository, pushed.getImageId().toString()));
        assertThat(config.path("config").path("Labels").path("dev.registry.test").asString()).isEqualTo("scratch");

        // every layer comes back whole: it unpacks to the files Jib was given and hashes to its diff ID
        List<String> layers = layerDigests(manifest);
        assertThat(layers).hasSize(2);
        SortedMap<String, byte[]> files = new TreeMap<>();
        List<String> diffIds = new ArrayList<>();
        for (String layer : layers) {
            byte[] tar = ImageLayout.gunzip(getBlob(repository, layer));
            diffIds.add(RegistryClient.digest(tar));
            files.putAll(ImageLayout.untar(tar));
        }
        assertThat(config.path("rootfs").path("diff_ids").valueStream().map(JsonNode::asString).toList())
                .isEqualTo(diffIds);
        assertThat(files).containsOnlyKeys("app/scratch/run.sh", "app/scratch/lib/library.bin");
        assertThat(new String(files.get("app/scratch/run.sh"), StandardCharsets.UTF_8)).isEqualTo("#!/bin/sh\necho scratch\n");
        assertThat(files.get("app/scratch/lib/library.bin")).isEqualTo(ImageLayout.randomBytes(41, 256 * 1024));
    }

    /**
     * The base image goes to one repository; an image built on it (as OCI) to another. Every base
     * layer must arrive by {@code POST ?mount=<digest>&from=<base repository>} answered 201, never
     * by upload, while the new layer and config are uploaded (so the request log does see uploads).
     */
    @Test
    void jibMountsTheBaseLayersFromTheBaseRepositoryInsteadOfUploadingThemAgain() throws Exception {
        String baseRepository = "jib/team/base";
        String appRepository = "jib/other/app";
        push(scratchImage("base", 42), baseRepository + ":1.0");
        List<String> baseLayers = layerDigests(ImageLayout.JSON.readTree(getManifest(baseRepository, "1.0").body()));
        assertThat(baseLayers).hasSize(2);

        Path extra = Files.writeString(Files.createDirectories(work.resolve("files-app")).resolve("app.properties"), "mode=test\n");
        JibContainerBuilder derived = Jib.from(RegistryImage.named("localhost:" + port + "/" + baseRepository + ":1.0")
                .addCredential(RegistryIntegrationTest.ADMIN, RegistryIntegrationTest.ADMIN_PASSWORD))
                .addLayer(List.of(extra), "/etc/app")
                .setFormat(ImageFormat.OCI);

        JibContainer pushed;
        List<RequestLog.Entry> requests;
        try (RequestLog log = RequestLog.attach(context)) {
            pushed = push(derived, appRepository + ":1.0");
            requests = log.forRepository(appRepository);
        }

        for (String layer : baseLayers) {
            assertThat(requests).as("mount of %s in %s", layer, requests).anyMatch(e -> e.method().equals("POST")
                    && e.isUploadRequest(appRepository) && layer.equals(e.query().get("mount"))
                    && baseRepository.equals(e.query().get("from")) && e.status() == 201);
            assertThat(requests).as("no upload of %s", layer).noneMatch(e -> e.method().equals("PUT")
                    && e.isUploadRequest(appRepository) && layer.equals(e.query().get("digest")));
        }
        List<String> uploaded = requests.stream()
                .filter(e -> e.method().equals("PUT") && e.isUploadRequest(appRepository) && e.status() == 201)
                .map(e -> e.query().get("digest")).toList();
        assertThat(uploaded).as("blobs uploaded to %s: %s", appRepository, requests)
                .hasSize(2).contains(pushed.getImageId().toString());

        HttpResponse<byte[]> response = getManifest(appRepository, "1.0");
        assertThat(response.headers().firstValue("Content-Type")).hasValue(ImageLayout.OCI_MANIFEST);
        assertThat(response.headers().firstValue("Docker-Content-Digest")).hasValue(pushed.getDigest().toString());
        List<String> appLayers = layerDigests(ImageLayout.JSON.readTree(response.body()));
        assertThat(appLayers).hasSize(3).startsWith(baseLayers.toArray(String[]::new));
        // the mounted blobs are readable in the new repository
        appLayers.forEach(layer -> getBlob(appRepository, layer));
    }
}
