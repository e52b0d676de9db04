package dev.registry.api.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.RegistryIntegrationTest;
import dev.registry.api.TestImages;
import dev.registry.api.access.AccessFixture;
import dev.registry.core.artifact.PullTimes;
import dev.registry.core.immutability.ImmutabilityService;
import dev.registry.core.project.ProjectService;
import java.net.http.HttpResponse;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;

/**
 * Issue 13, pages 2 (Project → Repositories: link, last pulled, delete), 3 (Repository → Artifacts) and 4
 * (Artifact), over HTTP as signed-in users, with content pushed over /v2: kinds, platforms, accessories under their
 * subject, pull commands with the real host and digest, the immutable marker, paging in the database, what each
 * role is offered (PermissionMatrix: maintainers delete artifacts and tags, guests do not), a guest's hand-posted
 * deletion refused, and each deletion's confirmation saying what goes.
 */
@RegistryIntegrationTest
class ConsoleArtifactsTest {

    private static final String HELM_CONFIG = "application/vnd.cncf.helm.config.v1+json";
    private static final String COSIGN_SIGNATURE = "application/vnd.dev.cosign.artifact.sig.v1+json";

    @LocalServerPort
    int port;
    @Autowired
    ApplicationContext context;

    private AccessFixture fixture;
    private RegistryClient client;
    private String host;
    /** Sizes of the manifests pushed, by digest (a GET over /v2 would record a pull). */
    private final java.util.Map<String, Integer> sizes = new java.util.HashMap<>();

    @BeforeEach
    void setUp() {
        fixture = AccessFixture.create(context);
        client = new RegistryClient(port);
        host = "127.0.0.1:" + port;
    }

    private Browser signedIn(String caller) {
        String[] credentials = fixture.credentials(caller).split(":", 2);
        Browser browser = new Browser(port);
        assertThat(browser.signIn(credentials[0], credentials[1]).statusCode()).isEqualTo(302);
        return browser;
    }

    /** Pushes an image with this config and one layer under {@code tag}; returns the manifest's digest. */
    private String pushImageWithConfig(String repo, String tag, String config, String annotation) {
        byte[] configBytes = config.getBytes();
        byte[] layer = ("layer of " + config).getBytes();
        String configDigest = client.pushBlob(repo, configBytes);
        String layerDigest = client.pushBlob(repo, layer);
        String manifest = TestImages.ociManifest(configDigest, configBytes.length, layerDigest, layer.length);
        if (annotation != null) {
            manifest = manifest.substring(0, manifest.length() - 1) + ",\"annotations\":{\"note\":\"" + annotation + "\"}}";
        }
        HttpResponse<String> put = client.pushManifest(repo, tag, TestImages.OCI_MANIFEST, manifest);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        sizes.put(RegistryClient.digest(manifest.getBytes()), manifest.length());
        return RegistryClient.digest(manifest.getBytes());
    }

    private String pushImage(String repo, String tag, String os, String arch) {
        return pushImageWithConfig(repo, tag, "{\"architecture\":\"" + arch + "\",\"os\":\"" + os + "\",\"tag\":\"" + tag + "\"}", null);
    }

    private String pushIndex(String repo, String tag, String amd64, String arm64) {
        long amd64Size = sizes.get(amd64);
        long arm64Size = sizes.get(arm64);
        String index = ("{\"schemaVersion\":2,\"mediaType\":\"%s\",\"manifests\":["
                + "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d,\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}},"
                + "{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d,\"platform\":{\"architecture\":\"arm64\",\"os\":\"linux\",\"variant\":\"v8\"}}]}")
                .formatted(TestImages.OCI_INDEX, TestImages.OCI_MANIFEST, amd64, amd64Size, TestImages.OCI_MANIFEST, arm64, arm64Size);
        assertThat(client.pushManifest(repo, tag, TestImages.OCI_INDEX, index).statusCode()).isEqualTo(201);
        return RegistryClient.digest(index.getBytes());
    }

    private String pushHelmChart(String repo, String version) {
        byte[] config = ("{\"name\":\"chart\",\"version\":\"" + version + "\",\"apiVersion\":\"v2\"}").getBytes();
        byte[] chart = ("chart tarball " + version).getBytes();
        String configDigest = client.pushBlob(repo, config);
        String chartDigest = client.pushBlob(repo, chart);
        String manifest = ("{\"schemaVersion\":2,\"mediaType\":\"%s\",\"config\":{\"mediaType\":\"%s\",\"digest\":\"%s\",\"size\":%d},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.cncf.helm.chart.content.v1.tar+gzip\",\"digest\":\"%s\",\"size\":%d}]}")
                .formatted(TestImages.OCI_MANIFEST, HELM_CONFIG, configDigest, config.length, chartDigest, chart.length);
        assertThat(client.pushManifest(repo, version, TestImages.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);
        return RegistryClient.digest(manifest.getBytes());
    }

    /** A cosign-style signature in OCI 1.1 mode: a referrer whose subject is {@code subject}. */
    private String pushSignature(String repo, String subject) {
        String emptyConfig = client.pushBlob(repo, "{}".getBytes());
        byte[] payload = ("signature of " + subject).getBytes();
        String layer = client.pushBlob(repo, payload);
        long subjectSize = sizes.get(subject);
        String manifest = TestImages.artifactWithSubject(COSIGN_SIGNATURE, emptyConfig, layer, payload.length, subject, subjectSize);
        String digest = RegistryClient.digest(manifest.getBytes());
        assertThat(client.pushManifest(repo, digest, TestImages.OCI_MANIFEST, manifest).statusCode()).isEqualTo(201);
        return digest;
    }

    private static String shortDigest(String digest) {
        return digest.substring(0, "sha256:".length() + 12);
    }

    private static int count(String text, String part) {
        return text.split(Pattern.quote(part), -1).length - 1;
    }

    private String repositoryPage() {
        return "/projects/" + fixture.project + "/repositories/app";
    }

    @Test
    void page3ShowsKindsPlatformsHelmChartsAndSignaturesUnderTheirSubjectWithRealPullCommands() {
        String repo = fixture.project + "/app";
        String amd64 = pushImage(repo, "amd64", "linux", "amd64");
        String arm64 = pushImage(repo, "arm64", "linux", "arm64");
        String index = pushIndex(repo, "multi", amd64, arm64);
        String chart = pushHelmChart(repo, "0.1.0");
        String image = pushImage(repo, "v1", "linux", "s390x");
        String signature = pushSignature(repo, image);

        HttpResponse<String> page = signedIn("developer").get(repositoryPage());
        assertThat(page.statusCode()).isEqualTo(200);
        String body = page.body();
        assertThat(body).contains("<title>app · " + fixture.project + " · registry</title>", "aria-label=\"Breadcrumb\"");
        // index children are shown under their index, the signature under its image: three rows
        assertThat(count(body, "<tbody class=\"artifact\">")).isEqualTo(3);
        assertThat(body).contains("multi-platform index", "linux/amd64, linux/arm64/v8");
        assertThat(body).contains("Helm chart", "helm pull oci://" + host + "/" + repo + " --version 0.1.0");
        assertThat(body).contains("docker pull " + host + "/" + repo + ":v1", "podman pull " + host + "/" + repo + ":v1",
                "docker pull " + host + "/" + repo + "@" + image, "docker pull " + host + "/" + repo + "@" + index,
                "data-copy=\"" + image + "\"", ">" + shortDigest(chart) + "</code>");
        Matcher accessory = Pattern.compile("<tr class=\"accessory\">(.*?)</tr>", Pattern.DOTALL).matcher(body);
        assertThat(accessory.find()).isTrue();
        assertThat(accessory.group(1)).contains(shortDigest(signature), "signature");
        assertThat(body.indexOf(shortDigest(image))).isLessThan(accessory.start()); // under its subject
        assertThat(count(body, ">" + shortDigest(signature) + "</code>")).isEqualTo(1);
        assertThat(body).doesNotContain(">" + shortDigest(amd64) + "</code>");

        // the index's page lists its children with their platforms, each linking to its own page
        HttpResponse<String> indexPage = signedIn("guest").get(repositoryPage() + "/-/artifacts/" + index);
        assertThat(indexPage.statusCode()).isEqualTo(200);
        assertThat(indexPage.body()).contains("linux/arm64/v8", "href=\"" + repositoryPage() + "/-/artifacts/" + arm64 + "\"");
        assertThat(signedIn("guest").get(repositoryPage() + "/-/artifacts/" + arm64).body()).contains("linux/arm64", "podman pull "
                + host + "/" + repo + "@" + arm64);
        HttpResponse<String> signaturePage = signedIn("guest").get(repositoryPage() + "/-/artifacts/" + signature);
        assertThat(signaturePage.body()).contains("signature", COSIGN_SIGNATURE);
        // a developer may not delete (PermissionMatrix): nothing offered
        assertThat(body).doesNotContain("Delete…", "/delete\"");
    }

    @Test
    void page3IsPagedInTheDatabaseWithWorkingLinks() {
        String repo = fixture.project + "/app";
        String first = pushImage(repo, "one", "linux", "amd64");
        String second = pushImage(repo, "two", "linux", "arm64");
        String third = pushImage(repo, "three", "linux", "ppc64le");
        Browser guest = signedIn("guest");
        HttpResponse<String> page1 = guest.get(repositoryPage() + "?page_size=1");
        assertThat(page1.body()).contains("1–1 of 3", shortDigest(third)).doesNotContain(shortDigest(second), shortDigest(first));
        Matcher next = Pattern.compile("href=\"([^\"]+)\" rel=\"next\"").matcher(page1.body());
        assertThat(next.find()).isTrue();
        String link = next.group(1).replace("&amp;", "&");
        assertThat(link).isEqualTo(repositoryPage() + "?page=2&page_size=1");
        HttpResponse<String> page2 = guest.get(link);
        assertThat(page2.body()).contains("2–2 of 3", shortDigest(second), "rel=\"prev\"").doesNotContain(shortDigest(third));
        assertThat(guest.get(repositoryPage() + "?page=3&page_size=1").body()).contains(shortDigest(first)).doesNotContain("rel=\"next\"");
        assertThat(guest.get(repositoryPage() + "?page_size=1000").statusCode()).isEqualTo(400);
    }

    @Test
    void aGuestIsOfferedNoDeletionAndAHandPostedOneIsRefusedAndDeletesNothing() {
        String repo = fixture.project + "/app";
        String image = pushImage(repo, "v1", "linux", "amd64");
        Browser guest = signedIn("guest");
        String page = guest.get(repositoryPage()).body();
        assertThat(page).contains("v1").doesNotContain("Delete…", ">remove<", "Delete this repository");
        assertThat(guest.get("/projects/" + fixture.project).body()).contains("href=\"" + repositoryPage() + "\"").doesNotContain("Delete…");
        assertThat(guest.get(repositoryPage() + "/-/artifacts/" + image + "/delete").statusCode()).isEqualTo(403);

        guest.get(repositoryPage()); // a page with the CSRF token
        assertThat(guest.post(repositoryPage() + "/-/artifacts/" + image + "/delete", true).statusCode()).isEqualTo(403);
        assertThat(guest.post(repositoryPage() + "/-/tags/v1/delete", true).statusCode()).isEqualTo(403);
        assertThat(guest.post(repositoryPage() + "/-/delete", true).statusCode()).isEqualTo(403);
        assertThat(client.send("GET", "/v2/" + repo + "/manifests/v1").statusCode()).isEqualTo(200);
        assertThat(client.send("GET", "/v2/" + repo + "/manifests/" + image).statusCode()).isEqualTo(200);
        // a developer neither (PermissionMatrix gives DELETE_TAG and DELETE_ARTIFACT from maintainer up)
        Browser developer = signedIn("developer");
        developer.get(repositoryPage());
        assertThat(developer.post(repositoryPage() + "/-/tags/v1/delete", true).statusCode()).isEqualTo(403);
        assertThat(client.send("GET", "/v2/" + repo + "/manifests/v1").statusCode()).isEqualTo(200);
    }

    @Test
    void aMaintainerRemovesATagAndDeletesAnArtifactThroughConfirmationsThatSayWhatGoes() {
        String repo = fixture.project + "/app";
        String image = pushImage(repo, "v1", "linux", "amd64");
        assertThat(client.send("PUT", "/v2/" + repo + "/manifests/v1.1", client.send("GET", "/v2/" + repo + "/manifests/v1").body().getBytes(),
                java.util.Map.of("Content-Type", TestImages.OCI_MANIFEST)).statusCode()).isEqualTo(201);
        String signature = pushSignature(repo, image);
        String other = pushImage(repo, "keep", "linux", "arm64");
        Browser maintainer = signedIn("maintainer");
        String page = maintainer.get(repositoryPage()).body();
        assertThat(page).contains("href=\"" + repositoryPage() + "/-/tags/v1.1/delete\"",
                "href=\"" + repositoryPage() + "/-/artifacts/" + image + "/delete\"");

        HttpResponse<String> confirmTag = maintainer.get(repositoryPage() + "/-/tags/v1.1/delete");
        assertThat(confirmTag.statusCode()).isEqualTo(200);
        assertThat(confirmTag.body()).contains("Remove tag v1.1", "the tag v1.1 only; the artifact " + image
                + " stays, with its other tags v1", "<button type=\"submit\"");
        HttpResponse<String> removed = maintainer.post(repositoryPage() + "/-/tags/v1.1/delete", true);
        assertThat(removed.statusCode()).isEqualTo(302);
        assertThat(removed.headers().firstValue("Location").orElseThrow()).endsWith(repositoryPage());
        assertThat(maintainer.get(repositoryPage()).body()).contains("Tag v1.1 removed.");
        assertThat(client.send("GET", "/v2/" + repo + "/manifests/v1.1").statusCode()).isEqualTo(404);
        assertThat(client.send("GET", "/v2/" + repo + "/manifests/" + image).statusCode()).isEqualTo(200);

        HttpResponse<String> confirmArtifact = maintainer.get(repositoryPage() + "/-/artifacts/" + image + "/delete");
        assertThat(confirmArtifact.statusCode()).isEqualTo(200);
        assertThat(confirmArtifact.body()).contains("Delete artifact " + image + " of " + repo + "?", "its tag v1",
                "its signature " + signature);
        HttpResponse<String> deleted = maintainer.post(repositoryPage() + "/-/artifacts/" + image + "/delete", true);
        assertThat(deleted.statusCode()).isEqualTo(302);
        assertThat(client.send("GET", "/v2/" + repo + "/manifests/" + image).statusCode()).isEqualTo(404);
        assertThat(client.send("GET", "/v2/" + repo + "/manifests/v1").statusCode()).isEqualTo(404);
        assertThat(client.send("GET", "/v2/" + repo + "/manifests/" + signature).statusCode()).isEqualTo(404);
        assertThat(client.send("GET", "/v2/" + repo + "/manifests/" + other).statusCode()).isEqualTo(200);
        assertThat(maintainer.get(repositoryPage()).body()).contains("Artifact " + image + " deleted.")
                .doesNotContain(">" + shortDigest(image) + "</code>");
    }

    @Test
    void immutableTagsAreMarkedAndTheirRemovalIsNotOffered() {
        String repo = fixture.project + "/app";
        String image = pushImage(repo, "v1", "linux", "amd64");
        pushImage(repo, "dev", "linux", "arm64");
        long projectId = context.getBean(ProjectService.class).require(fixture.project).id();
        context.getBean(ImmutabilityService.class).create(projectId, "**", "v*", "test");
        Browser maintainer = signedIn("maintainer");
        String page = maintainer.get(repositoryPage()).body();
        assertThat(count(page, "class=\"immutable\"")).isEqualTo(1);
        assertThat(page).contains("href=\"" + repositoryPage() + "/-/tags/dev/delete\"")
                .doesNotContain("/-/tags/v1/delete", "/-/artifacts/" + image + "/delete");
        HttpResponse<String> confirm = maintainer.get(repositoryPage() + "/-/tags/v1/delete");
        assertThat(confirm.body()).contains("The tag is immutable").doesNotContain("<button type=\"submit\" class=\"danger\"");
        HttpResponse<String> refused = maintainer.post(repositoryPage() + "/-/artifacts/" + image + "/delete", true);
        assertThat(refused.body()).contains("is immutable");
        assertThat(client.send("GET", "/v2/" + repo + "/manifests/v1").statusCode()).isEqualTo(200);
    }

    @Test
    void page2LinksEachRepositoryShowsLastPulledAndDeletesOneAfterAConfirmationCountingWhatGoes() {
        String repo = fixture.project + "/team/app";
        String image = pushImage(repo, "v1", "linux", "amd64");
        pushSignature(repo, image);
        pushImage(repo, "v2", "linux", "arm64");
        String path = "/projects/" + fixture.project + "/repositories/team/app";
        Browser maintainer = signedIn("maintainer");
        String page = maintainer.get("/projects/" + fixture.project).body();
        assertThat(page).contains("href=\"" + path + "\">" + repo + "</a>", "Last pulled", "never", "href=\"" + path + "/-/delete\"");
        client.send("GET", "/v2/" + repo + "/manifests/v1");
        context.getBean(PullTimes.class).flush();
        assertThat(maintainer.get("/projects/" + fixture.project).body()).doesNotContain(">never<");
        assertThat(maintainer.get(path).body()).contains(">never<"); // v2 was never pulled; v1 was

        HttpResponse<String> confirm = maintainer.get(path + "/-/delete");
        assertThat(confirm.statusCode()).isEqualTo(200);
        assertThat(confirm.body()).contains("Delete repository " + repo + " with everything in it?",
                "2 artifacts (3 manifests in all, with index children and accessories)", "2 tags");
        HttpResponse<String> deleted = maintainer.post(path + "/-/delete", true);
        assertThat(deleted.statusCode()).isEqualTo(302);
        assertThat(deleted.headers().firstValue("Location").orElseThrow()).endsWith("/projects/" + fixture.project);
        assertThat(maintainer.get("/projects/" + fixture.project).body()).contains("Repository " + repo + " deleted.");
        assertThat(client.send("GET", "/v2/" + repo + "/tags/list").statusCode()).isEqualTo(404);
        assertThat(maintainer.get(path).statusCode()).isEqualTo(404);
    }

    @Test
    void page4ShowsConfigLayersAndHistoryAndEscapesWhatThePusherWrote() {
        String repo = fixture.project + "/app";
        String config = """
                {"architecture":"arm64","os":"linux","variant":"v8","created":"2026-01-02T03:04:05Z",\
                "config":{"Labels":{"org.opencontainers.image.title":"<script>alert(1)</script>"},\
                "Env":["PATH=/usr/bin","MODE=prod"],"Entrypoint":["/bin/server"],"Cmd":["--port","8080"]},\
                "history":[{"created":"2026-01-01T00:00:00Z","created_by":"ADD rootfs.tar /"},\
                {"created":"2026-01-02T03:04:05Z","created_by":"CMD [\\"--port\\"]","empty_layer":true}]}""";
        String image = pushImageWithConfig(repo, "v1", config, "<b>bold</b>");
        HttpResponse<String> page = signedIn("guest").get(repositoryPage() + "/-/artifacts/" + image);
        assertThat(page.statusCode()).isEqualTo(200);
        String body = page.body();
        assertThat(body).contains("<title>" + shortDigest(image) + " · app · " + fixture.project + " · registry</title>",
                "linux/arm64/v8", "2026-01-02T03:04:05Z", "org.opencontainers.image.title", "PATH=/usr/bin", "[/bin/server]",
                "[--port, 8080]", "ADD rootfs.tar /", "no layer", "application/vnd.oci.image.layer.v1.tar+gzip",
                "docker pull " + host + "/" + repo + "@" + image);
        assertThat(body).contains("&lt;script&gt;alert(1)&lt;/script&gt;", "&lt;b&gt;bold&lt;/b&gt;")
                .doesNotContain("<script>alert(1)", "<b>bold</b>");
        assertThat(body).contains("&quot;schemaVersion&quot; : 2"); // pretty-printed
        assertThat(body).doesNotContain("Delete this artifact"); // a guest is offered nothing

        // a config over 1 MiB is named, not rendered
        String big = pushImageWithConfig(repo, "big", "{\"os\":\"linux\",\"architecture\":\"amd64\",\"pad\":\""
                + "x".repeat(1024 * 1024) + "\"}", null);
        HttpResponse<String> bigPage = signedIn("guest").get(repositoryPage() + "/-/artifacts/" + big);
        assertThat(bigPage.statusCode()).isEqualTo(200);
        assertThat(bigPage.body()).contains("more than the console renders (1\u00a0MiB); it is not shown").doesNotContain("xxxxxxxx");

        assertThat(signedIn("guest").get(repositoryPage() + "/-/artifacts/sha256:" + "0".repeat(64)).statusCode()).isEqualTo(404);
        assertThat(signedIn("guest").get(repositoryPage() + "/-/artifacts/not-a-digest").statusCode()).isEqualTo(400);
        assertThat(signedIn("guest").get(repositoryPage() + "/-/nothing").statusCode()).isEqualTo(404);
        assertThat(signedIn("outsider").get(repositoryPage() + "/-/artifacts/" + image).statusCode()).isEqualTo(404);
    }
}
