package dev.registry.api.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.access.AccessFixture;
import dev.registry.api.clients.ImageLayout.Descriptor;
import dev.registry.api.clients.ImageLayout.Image;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import land.oras.Annotations;
import land.oras.ArtifactType;
import land.oras.Config;
import land.oras.ContainerRef;
import land.oras.Index;
import land.oras.LocalPath;
import land.oras.Manifest;
import land.oras.ManifestDescriptor;
import land.oras.Registry;
import land.oras.auth.BearerTokenProvider;
import land.oras.auth.HttpClient.TokenResponse;
import land.oras.exception.OrasException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * ISSUE-12 "ORAS": the ORAS Java SDK ({@code land.oras:oras-java-sdk}, in-process, so never
 * skipped) against the registry over plain HTTP ({@code Registry.builder().insecure(host, user,
 * password)}), signed in as the developer of a project of its own ({@link AccessFixture}). The SDK
 * sends the user's Basic credentials with every request (its {@code UsernamePasswordProvider}),
 * which {@code /v2} accepts as Distribution does; it asks the token service only after a 401 or
 * 403, which {@link #theSdkFollowsOurTokenChallengeAndPullsWithABearerToken} covers with our
 * challenge and a token of our token service.
 *
 * <p>Covered: an artifact with an {@code artifactType} and titled files, pushed and pulled back
 * byte for byte (image-spec "Guidelines for Artifact Usage"); referrers attached to an image and
 * listed by the referrers API, filtered by {@code artifactType} (distribution-spec 1.1 "Listing
 * Referrers"); the referrers tag schema fallback (distribution-spec 1.1 "Referrers Tag Schema",
 * {@code sha256-<hex>}) written by a client that does not use the referrers API, side by side with
 * the API; pulls by tag and by digest, and the SDK's error for an absent manifest.
 */
@RegistryIntegrationTest
class OrasClientTest {

    private static final String SBOM = "application/vnd.example.sbom.v1";
    private static final String SIGNATURE = "application/vnd.example.signature.v1";
    private static final String TITLE = "org.opencontainers.image.title";

    @TempDir
    Path work;

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    private AccessFixture fixture;
    /** The developer's Basic credentials over plain HTTP, as any other client of the tests. */
    private RegistryClient http;
    private Registry oras;

    @BeforeEach
    void developerOfAProjectOfItsOwn() {
        fixture = AccessFixture.create(context);
        String[] developer = fixture.credentials("developer").split(":", 2);
        http = fixture.basic(port, "developer");
        oras = Registry.builder().insecure("localhost:" + port, developer[0], developer[1]).build();
    }

    private ContainerRef ref(String repository, String tag) {
        return ContainerRef.parse("localhost:" + port + "/" + repository + ":" + tag);
    }

    private ContainerRef ref(String repository, String tag, String digest) {
        return ref(repository, tag).withDigest(digest);
    }

    private HttpResponse<String> getManifest(String repository, String reference) {
        return http.send("GET", "/v2/" + repository + "/manifests/" + reference, null,
                Map.of("Accept", ImageLayout.OCI_MANIFEST + ", " + ImageLayout.OCI_INDEX));
    }

    private static JsonNode json(HttpResponse<String> response) {
        return ImageLayout.JSON.readTree(response.body());
    }

    /** The referrers API answer ({@code GET /v2/<name>/referrers/<digest>}): digest to artifactType. */
    private Map<String, String> referrersByHttp(String repository, String subject) {
        HttpResponse<String> r = http.send("GET", "/v2/" + repository + "/referrers/" + subject);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json(r).path("manifests").valueStream().collect(java.util.stream.Collectors.toMap(
                m -> m.path("digest").asString(), m -> m.path("artifactType").asString()));
    }

    /**
     * {@code attachArtifact(ref, type, files)} of the SDK (0.2.15): pushes the files, then a
     * manifest with {@code subject} by digest. Its manifest names the empty config
     * ({@code application/vnd.oci.empty.v1+json}, the blob {@code {}}) but, unlike
     * {@code pushArtifact}, it never uploads that blob, so a registry that checks a manifest's blobs
     * (distribution-spec "Pushing Manifests": it MAY, with {@code MANIFEST_BLOB_UNKNOWN}; we do, as
     * Distribution does) refuses the manifest with 400 unless the repository already holds
     * {@code {}}. The SDK's own {@code pushConfig(ref, Config.empty())} uploads it first.
     */
    private Manifest attach(ContainerRef subject, String artifactType, Path file) {
        oras.pushConfig(subject, Config.empty());
        return oras.attachArtifact(subject, ArtifactType.from(artifactType), LocalPath.of(file));
    }

    private static List<String> digests(List<ManifestDescriptor> descriptors) {
        return descriptors.stream().map(ManifestDescriptor::getDigest).toList();
    }

    /**
     * A small OCI image (config and one gzip'd tar layer) pushed with the SDK: both blobs with
     * {@code pushBlob}, the manifest with {@code pushManifest} under {@code tag}; returns the image.
     */
    private Image pushImage(String repository, String tag, long seed) {
        ImageLayout layout = ImageLayout.create(work.resolve("layout-" + tag));
        Image image = layout.image("linux", "amd64", "oras-" + tag,
                List.of(layout.layer(ImageLayout.files("app/data.bin", ImageLayout.randomBytes(seed, 4096)))));
        oras.pushBlob(ref(repository, tag), layout.content(image.config().digest()));
        oras.pushBlob(ref(repository, tag), layout.content(image.layers().getFirst().descriptor().digest()));
        String manifestJson = new String(layout.content(image.manifest().digest()), StandardCharsets.UTF_8);
        Manifest pushed = oras.pushManifest(ref(repository, tag), Manifest.fromJson(manifestJson));
        assertThat(pushed.getDescriptor().getDigest()).isEqualTo(image.manifest().digest());
        return image;
    }

    @Test
    void anArtifactWithAnArtifactTypeAndTwoFilesIsPushedAndPulledBackByteForByte() throws IOException {
        String repository = fixture.project + "/oras/sbom";
        Path files = Files.createDirectories(work.resolve("push"));
        Path sbom = Files.writeString(files.resolve("sbom.spdx.json"), "{\"spdxVersion\":\"SPDX-2.3\",\"name\":\"app\"}");
        Path data = Files.write(files.resolve("data.bin"), ImageLayout.randomBytes(7, 64 * 1024));

        Manifest pushed = oras.pushArtifact(ref(repository, "v1"), ArtifactType.from(SBOM), Annotations.empty(),
                LocalPath.of(sbom, "application/spdx+json"), LocalPath.of(data, "application/octet-stream"));
        String digest = pushed.getDescriptor().getDigest();

        // pulled back with the SDK: the same two files, the same bytes
        Path pulled = Files.createDirectories(work.resolve("pull"));
        oras.pullArtifact(ref(repository, "v1"), pulled, false);
        try (var listing = Files.list(pulled)) {
            assertThat(listing.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("sbom.spdx.json", "data.bin");
        }
        assertThat(Files.readAllBytes(pulled.resolve("sbom.spdx.json"))).isEqualTo(Files.readAllBytes(sbom));
        assertThat(Files.readAllBytes(pulled.resolve("data.bin"))).isEqualTo(Files.readAllBytes(data));

        // the manifest the registry stores: the artifactType, the empty config, the titled layers
        HttpResponse<String> stored = getManifest(repository, "v1");
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
        assertThat(stored.headers().firstValue("Docker-Content-Digest")).hasValue(digest);
        JsonNode manifest = json(stored);
        assertThat(manifest.path("artifactType").asString()).isEqualTo(SBOM);
        assertThat(manifest.path("config").path("mediaType").asString()).isEqualTo(ImageLayout.OCI_EMPTY);
        assertThat(manifest.path("layers").valueStream().map(l -> l.path("annotations").path(TITLE).asString()))
                .containsExactly("sbom.spdx.json", "data.bin");
        assertThat(manifest.path("layers").valueStream().map(l -> l.path("mediaType").asString()))
                .containsExactly("application/spdx+json", "application/octet-stream");

        // and the management API lists it with that artifactType and its tag
        HttpResponse<String> listed = http.send("GET",
                "/api/v1/projects/" + fixture.project + "/repositories/" + repository + "/artifacts");
        assertThat(listed.statusCode()).as(listed.body()).isEqualTo(200);
        JsonNode artifact = json(listed).valueStream().filter(a -> a.path("digest").asString().equals(digest))
                .findFirst().orElseThrow(() -> new AssertionError("not listed: " + listed.body()));
        assertThat(artifact.path("artifactType").asString()).isEqualTo(SBOM);
        assertThat(artifact.path("tags").valueStream().map(t -> t.isObject() ? t.path("name").asString() : t.asString()))
                .containsExactly("v1");
    }

    @Test
    void referrersAttachedToAnImageAreListedByTheReferrersApiAndFilteredByArtifactType() throws IOException {
        String repository = fixture.project + "/oras/app";
        Image image = pushImage(repository, "1.0", 11);
        String subject = image.manifest().digest();
        Path sbom = Files.writeString(work.resolve("sbom.json"), "{\"packages\":[]}");
        Path signature = Files.write(work.resolve("app.sig"), ImageLayout.randomBytes(12, 256));

        // attachArtifact pushes by digest with subject = the image and checks the OCI-Subject answer
        Manifest sbomReferrer = attach(ref(repository, "1.0"), SBOM, sbom);
        Manifest signatureReferrer = attach(ref(repository, "1.0"), SIGNATURE, signature);
        assertThat(sbomReferrer.getSubject().getDigest()).isEqualTo(subject);
        assertThat(signatureReferrer.getSubject().getDigest()).isEqualTo(subject);

        // distribution-spec 1.1 "Listing Referrers", with the SDK: both, then filtered by artifactType
        List<ManifestDescriptor> all = oras.getReferrers(ref(repository, "1.0", subject), null).getManifests();
        assertThat(digests(all)).containsExactlyInAnyOrder(sbomReferrer.getDigest(), signatureReferrer.getDigest());
        assertThat(all).allSatisfy(d -> assertThat(d.getMediaType()).isEqualTo(ImageLayout.OCI_MANIFEST));
        assertThat(all.stream().filter(d -> d.getDigest().equals(sbomReferrer.getDigest())).findFirst().orElseThrow()
                .getArtifactType()).isEqualTo(SBOM);
        List<ManifestDescriptor> onlySbom = oras.getReferrers(ref(repository, "1.0", subject), ArtifactType.from(SBOM))
                .getManifests();
        assertThat(digests(onlySbom)).containsExactly(sbomReferrer.getDigest());
        assertThat(onlySbom.getFirst().getArtifactType()).isEqualTo(SBOM);
        assertThat(oras.getReferrers(ref(repository, "1.0", subject), ArtifactType.from("application/vnd.example.none"))
                .getManifests()).isEmpty();

        // a referrer is an artifact of its own: pulled by digest, its file comes back
        Path pulled = Files.createDirectories(work.resolve("pulled-sbom"));
        oras.pullArtifact(ref(repository, "1.0", sbomReferrer.getDigest()), pulled, false);
        assertThat(Files.readAllBytes(pulled.resolve("sbom.json"))).isEqualTo(Files.readAllBytes(sbom));
    }

    /**
     * distribution-spec 1.1 "Referrers Tag Schema": a client that does not use the referrers API
     * pushes a referrer, then keeps an image index of the subject's referrers under the tag
     * {@code sha256-<hex of the subject digest>} (read it, add the new descriptor, put it back).
     * The registry answers {@code OCI-Subject} on the referrer's PUT ("Pushing Manifests with
     * Subject": the client need not do that, but may), and the two views live side by side: the
     * referrers API lists every referrer (those of the SDK and the fallback client's alike) and not
     * the index; the tag serves exactly the index the client wrote, last version.
     */
    @Test
    void theReferrersTagSchemaFallbackAndTheReferrersApiWorkSideBySide() throws IOException {
        String repository = fixture.project + "/oras/fallback";
        Image image = pushImage(repository, "1.0", 21);
        String subject = image.manifest().digest();
        String fallbackTag = "sha256-" + subject.substring("sha256:".length());
        Path sbom = Files.writeString(work.resolve("sbom.json"), "{\"packages\":[\"oras\"]}");
        Manifest viaApi = attach(ref(repository, "1.0"), SBOM, sbom);

        // the fallback client: no index under the tag yet
        HttpResponse<String> none = getManifest(repository, fallbackTag);
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(json(none).path("errors").get(0).path("code").asString()).isEqualTo("MANIFEST_UNKNOWN");

        ImageLayout layout = ImageLayout.create(work.resolve("fallback-layout"));
        Descriptor first = pushReferrerOverHttp(layout, repository, image.manifest(), SIGNATURE, 31);
        Descriptor firstIndex = putFallbackIndex(layout, repository, fallbackTag, List.of(first));
        // ... and a second referrer: read the index under the tag, add it, put the index back
        Descriptor second = pushReferrerOverHttp(layout, repository, image.manifest(), "application/vnd.example.attestation.v1", 32);
        HttpResponse<String> current = getManifest(repository, fallbackTag);
        assertThat(current.statusCode()).as(current.body()).isEqualTo(200);
        assertThat(current.headers().firstValue("Docker-Content-Digest")).hasValue(firstIndex.digest());
        assertThat(json(current).path("manifests").valueStream().map(m -> m.path("digest").asString()))
                .containsExactly(first.digest());
        Descriptor secondIndex = putFallbackIndex(layout, repository, fallbackTag, List.of(first, second));

        // the tag serves exactly the index the client wrote last
        HttpResponse<String> tagged = getManifest(repository, fallbackTag);
        assertThat(tagged.statusCode()).isEqualTo(200);
        assertThat(tagged.headers().firstValue("Content-Type")).hasValue(ImageLayout.OCI_INDEX);
        assertThat(tagged.headers().firstValue("Docker-Content-Digest")).hasValue(secondIndex.digest());
        assertThat(tagged.body().getBytes(StandardCharsets.UTF_8)).isEqualTo(layout.content(secondIndex.digest()));
        // the SDK reads the same index under the tag
        Index index = oras.getIndex(ref(repository, fallbackTag));
        assertThat(index.getDescriptor().getDigest()).isEqualTo(secondIndex.digest());
        assertThat(index.getManifests().stream().map(ManifestDescriptor::getArtifactType))
                .containsExactly(SIGNATURE, "application/vnd.example.attestation.v1");

        // the referrers API lists all three referrers (not the index, which has no subject), by HTTP and the SDK
        Map<String, String> expected = Map.of(viaApi.getDigest(), SBOM, first.digest(), SIGNATURE,
                second.digest(), "application/vnd.example.attestation.v1");
        assertThat(referrersByHttp(repository, subject)).isEqualTo(expected);
        assertThat(digests(oras.getReferrers(ref(repository, "1.0", subject), null).getManifests()))
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(digests(oras.getReferrers(ref(repository, "1.0", subject), ArtifactType.from(SIGNATURE)).getManifests()))
                .containsExactly(first.digest());
        // and the image's own tag still points at the image
        assertThat(oras.getManifest(ref(repository, "1.0")).getDescriptor().getDigest()).isEqualTo(subject);
    }

    /**
     * The fallback client's referrer, over plain HTTP: blobs, then the manifest (with
     * {@code subject}) by digest; the registry's answer carries {@code OCI-Subject}.
     */
    private Descriptor pushReferrerOverHttp(ImageLayout layout, String repository, Descriptor subject, String artifactType,
                                            long seed) {
        Descriptor referrer = layout.artifact(artifactType, subject, "application/octet-stream",
                ImageLayout.randomBytes(seed, 512));
        byte[] manifest = layout.content(referrer.digest());
        JsonNode parsed = ImageLayout.JSON.readTree(manifest);
        http.pushBlob(repository, layout.content(parsed.path("config").path("digest").asString()));
        http.pushBlob(repository, layout.content(parsed.path("layers").get(0).path("digest").asString()));
        HttpResponse<String> put = http.pushManifest(repository, referrer.digest(), ImageLayout.OCI_MANIFEST,
                new String(manifest, StandardCharsets.UTF_8));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.headers().firstValue("OCI-Subject")).hasValue(subject.digest());
        return referrer;
    }

    /** The fallback client's index of referrers, put under the {@code sha256-<hex>} tag. */
    private Descriptor putFallbackIndex(ImageLayout layout, String repository, String tag, List<Descriptor> referrers) {
        Descriptor index = layout.index(referrers);
        HttpResponse<String> put = http.pushManifest(repository, tag, ImageLayout.OCI_INDEX,
                new String(layout.content(index.digest()), StandardCharsets.UTF_8));
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.headers().firstValue("Docker-Content-Digest")).hasValue(index.digest());
        return index;
    }

    @Test
    void pullsByTagAndByDigestAgreeAndAnAbsentManifestIsTheSdksErrorWithOur404() throws IOException {
        String repository = fixture.project + "/oras/pull";
        Path file = Files.write(work.resolve("payload.bin"), ImageLayout.randomBytes(41, 10_000));
        Manifest pushed = oras.pushArtifact(ref(repository, "stable"), ArtifactType.from(SBOM), LocalPath.of(file));
        String digest = pushed.getDescriptor().getDigest();

        Manifest byTag = oras.getManifest(ref(repository, "stable"));
        Manifest byDigest = oras.getManifest(ref(repository, "stable", digest));
        assertThat(byTag.getDescriptor().getDigest()).isEqualTo(digest);
        assertThat(byDigest.getDescriptor().getDigest()).isEqualTo(digest);
        assertThat(byDigest.getJson()).isEqualTo(byTag.getJson());
        assertThat(byDigest.getArtifactType().getMediaType()).isEqualTo(SBOM);

        for (ContainerRef reference : List.of(ref(repository, "stable"), ref(repository, "stable", digest))) {
            Path into = Files.createDirectories(work.resolve("pull-" + (reference.getDigest() == null ? "tag" : "digest")));
            oras.pullArtifact(reference, into, false);
            assertThat(Files.readAllBytes(into.resolve("payload.bin"))).as("pulled %s", reference)
                    .isEqualTo(Files.readAllBytes(file));
        }

        // absent by tag and by digest: the SDK throws its OrasException with our status. It carries no
        // error code: the SDK asks with HEAD before GET (a HEAD answer has no body), and its Error model
        // reads a top-level {code, message, details}, not the spec's {"errors": [{code, message, detail}]}
        String absentDigest = RegistryClient.digest("absent".getBytes(StandardCharsets.UTF_8));
        for (ContainerRef absent : List.of(ref(repository, "absent"), ref(repository, "stable", absentDigest))) {
            OrasException e = catchThrowableOfType(OrasException.class, () -> oras.getManifest(absent));
            assertThat(e).as("getManifest(%s)", absent).isNotNull();
            assertThat(e.getStatusCode()).isEqualTo(404);
            assertThat(e.getMessage()).contains("404");
        }
        // the same requests as a GET: 404 MANIFEST_UNKNOWN in the OCI error format (spec "Pulling manifests")
        for (String reference : List.of("absent", absentDigest)) {
            HttpResponse<String> r = getManifest(repository, reference);
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(json(r).path("errors").get(0).path("code").asString()).isEqualTo("MANIFEST_UNKNOWN");
        }
    }

    /**
     * Docker token spec "How to authenticate": anonymous, the SDK meets our 401 challenge on a
     * private project, parses it (its pattern wants exactly {@code Bearer realm="…",service="…",
     * scope="…"}), asks our token endpoint for the challenged scope and retries; the anonymous
     * token grants nothing, so it fails with 401, not with a parse error (status -1). Given a pull
     * token of our token service ({@code BearerTokenProvider}), it pulls.
     */
    @Test
    void theSdkFollowsOurTokenChallengeAndPullsWithABearerToken() throws IOException {
        String repository = fixture.project + "/oras/token";
        Path file = Files.writeString(work.resolve("token.txt"), "pulled with a bearer token");
        String digest = oras.pushArtifact(ref(repository, "v1"), ArtifactType.from(SBOM), LocalPath.of(file))
                .getDescriptor().getDigest();

        Registry anonymous = Registry.builder().insecure("localhost:" + port).build();
        try (RequestLog log = RequestLog.attach(context)) {
            OrasException refused = catchThrowableOfType(OrasException.class,
                    () -> anonymous.getManifest(ref(repository, "v1")));
            assertThat(refused).isNotNull();
            assertThat(refused.getStatusCode()).as(refused.getMessage()).isEqualTo(401);
            assertThat(log.entries()).as("requests: %s", log.entries()).anySatisfy(e -> {
                assertThat(e.method() + " " + e.path()).isEqualTo("GET /service/token");
                assertThat(e.query()).containsEntry("scope", "repository:" + repository + ":pull");
            });
        }

        String challenge = RegistryClient.anonymous(port).send("GET", "/v2/").headers()
                .firstValue("WWW-Authenticate").orElseThrow();
        String service = challenge.replaceFirst(".*service=\"([^\"]*)\".*", "$1");
        HttpResponse<String> granted = http.send("GET", "/service/token?service="
                + java.net.URLEncoder.encode(service, StandardCharsets.UTF_8) + "&scope=repository:" + repository + ":pull");
        assertThat(granted.statusCode()).as(granted.body()).isEqualTo(200);
        BearerTokenProvider bearer = new BearerTokenProvider();
        bearer.setToken(new TokenResponse(json(granted).path("token").asString(), null, null, null));
        Registry withToken = Registry.builder().insecure().withRegistry("localhost:" + port).withAuthProvider(bearer).build();

        assertThat(withToken.getManifest(ref(repository, "v1")).getDescriptor().getDigest()).isEqualTo(digest);
        Path into = Files.createDirectories(work.resolve("pull-token"));
        withToken.pullArtifact(ref(repository, "v1", digest), into, false);
        assertThat(Files.readAllBytes(into.resolve("token.txt"))).isEqualTo(Files.readAllBytes(file));
    }
}
