package dev.registry.api.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.TestImages;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Distribution spec end-8a/8b (tags list with n/last and Link), catalog, end-12a/12b (referrers). */
class TagsCatalogReferrersApiTest extends ApiTestBase {

    private static List<String> tags(HttpResponse<String> r) {
        List<String> result = new ArrayList<>();
        json(r.body()).get("tags").forEach(t -> result.add(t.asString()));
        return result;
    }

    @Test
    void tagsAreListedInLexicalOrderAndPagedWithNLastAndLink() {
        String repo = uniqueRepo("paging");
        String manifest = pushImage(repo, "b", 51);
        for (String tag : List.of("a", "C", "c", "1.0", "_x")) {
            client.pushManifest(repo, tag, TestImages.OCI_MANIFEST, manifest);
        }
        HttpResponse<String> all = client.send("GET", "/v2/" + repo + "/tags/list");
        assertThat(json(all.body()).get("name").asString()).isEqualTo(repo);
        assertThat(tags(all)).containsExactly("1.0", "C", "_x", "a", "b", "c");
        assertThat(all.headers().firstValue("Link")).isEmpty();

        HttpResponse<String> first = client.send("GET", "/v2/" + repo + "/tags/list?n=2");
        assertThat(tags(first)).containsExactly("1.0", "C");
        assertThat(first.headers().firstValue("Link")).contains("</v2/" + repo + "/tags/list?n=2&last=C>; rel=\"next\"");
        HttpResponse<String> next = client.send("GET", "/v2/" + repo + "/tags/list?n=2&last=C");
        assertThat(tags(next)).containsExactly("_x", "a");
        HttpResponse<String> last = client.send("GET", "/v2/" + repo + "/tags/list?n=2&last=a");
        assertThat(tags(last)).containsExactly("b", "c");
        assertThat(last.headers().firstValue("Link")).isEmpty();
        assertThat(tags(client.send("GET", "/v2/" + repo + "/tags/list?n=0"))).isEmpty();
    }

    @Test
    void aOneComponentNameAndItsLibraryNameAreOneRepositoryListedOnceUnderTheLibraryName() {
        // issue 11, correctness 2: alpine is library/alpine (README: a one-component name belongs to library)
        String shortName = "short" + System.nanoTime();
        String manifest = pushImage(shortName, "3", 54);
        HttpResponse<String> viaLong = client.pushManifest("library/" + shortName, "latest", dev.registry.api.TestImages.OCI_MANIFEST,
                manifest);
        assertThat(viaLong.statusCode()).isEqualTo(201);

        // both names show both tags, under the one canonical name
        for (String name : List.of(shortName, "library/" + shortName)) {
            HttpResponse<String> list = client.send("GET", "/v2/" + name + "/tags/list");
            assertThat(json(list.body()).get("name").asString()).isEqualTo("library/" + shortName);
            assertThat(tags(list)).containsExactly("3", "latest");
        }
        List<String> names = new ArrayList<>();
        json(client.send("GET", "/v2/_catalog?n=1000&last=library/short").body()).get("repositories")
                .forEach(n -> names.add(n.asString()));
        assertThat(names).filteredOn(n -> n.endsWith(shortName)).containsExactly("library/" + shortName);

        // and a mount from the short name finds the blobs pushed under either
        String layer = json(manifest).get("layers").get(0).get("digest").asString();
        HttpResponse<String> mount = client.send("POST", "/v2/" + uniqueRepo("mounted") + "/blobs/uploads/?mount=" + layer
                + "&from=" + shortName, null, Map.of());
        assertThat(mount.statusCode()).as(mount.body()).isEqualTo(201);
    }

    @Test
    void aBadPageSizeIsPaginationNumberInvalidAndAnUnknownRepositoryIsNameUnknown() {
        assertOciError(client.send("GET", "/v2/" + uniqueRepo("x") + "/tags/list?n=-1"), 400, "PAGINATION_NUMBER_INVALID");
        assertOciError(client.send("GET", "/v2/" + uniqueRepo("x") + "/tags/list?n=abc"), 400, "PAGINATION_NUMBER_INVALID");
        assertOciError(client.send("GET", "/v2/" + uniqueRepo("never") + "/tags/list"), 404, "NAME_UNKNOWN");
    }

    @Test
    void theCatalogListsRepositoriesWithManifestsAndPages() {
        String a = "catalog" + System.nanoTime() + "/a";
        String b = a.replace("/a", "/b");
        pushImage(a, "v1", 52);
        pushImage(b, "v1", 53);
        client.pushBlob(a.replace("/a", "/blob-only"), "x".getBytes());

        List<String> names = new ArrayList<>();
        json(client.send("GET", "/v2/_catalog").body()).get("repositories").forEach(n -> names.add(n.asString()));
        assertThat(names).contains(a, b).doesNotContain(a.replace("/a", "/blob-only"));
        assertThat(names).isSorted();

        HttpResponse<String> page = client.send("GET", "/v2/_catalog?n=1&last=" + a);
        JsonNode repos = json(page.body()).get("repositories");
        assertThat(repos).hasSize(1);
        assertThat(repos.get(0).asString()).isEqualTo(b);
    }

    @Test
    void anArtifactWithASubjectIsListedByTheReferrersApiWithFiltering() {
        String repo = uniqueRepo("referrers");
        String image = pushImage(repo, "v1", 54);
        String subject = RegistryClient.digest(image.getBytes());
        String empty = client.pushBlob(repo, "{}".getBytes());
        byte[] sbom = "{\"sbom\":true}".getBytes();
        String sbomDigest = client.pushBlob(repo, sbom);
        String artifact = TestImages.artifactWithSubject("application/vnd.example.sbom", empty, sbomDigest, sbom.length,
                subject, image.length());
        HttpResponse<String> put = client.pushManifest(repo, RegistryClient.digest(artifact.getBytes()), TestImages.OCI_MANIFEST, artifact);
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.headers().firstValue("OCI-Subject")).contains(subject);
        String signature = TestImages.artifactWithSubject("application/vnd.example.signature", empty, sbomDigest, sbom.length,
                subject, image.length());
        client.pushManifest(repo, RegistryClient.digest(signature.getBytes()), TestImages.OCI_MANIFEST, signature);

        HttpResponse<String> all = client.send("GET", "/v2/" + repo + "/referrers/" + subject);
        assertThat(all.statusCode()).isEqualTo(200);
        assertThat(all.headers().firstValue("Content-Type")).contains(TestImages.OCI_INDEX);
        JsonNode index = json(all.body());
        assertThat(index.get("mediaType").asString()).isEqualTo(TestImages.OCI_INDEX);
        assertThat(index.get("manifests")).hasSize(2);
        JsonNode first = index.get("manifests").get(0);
        assertThat(first.get("digest").asString()).isEqualTo(RegistryClient.digest(artifact.getBytes()));
        assertThat(first.get("size").asLong()).isEqualTo(artifact.length());
        assertThat(first.get("artifactType").asString()).isEqualTo("application/vnd.example.sbom");
        assertThat(first.get("annotations").get("org.example.kind").asString()).isEqualTo("test");
        assertThat(all.headers().firstValue("OCI-Filters-Applied")).isEmpty();

        HttpResponse<String> filtered = client.send("GET", "/v2/" + repo + "/referrers/" + subject
                + "?artifactType=application/vnd.example.signature");
        assertThat(filtered.headers().firstValue("OCI-Filters-Applied")).contains("artifactType");
        assertThat(json(filtered.body()).get("manifests")).hasSize(1);
    }

    @Test
    void referrersOfAnUnknownSubjectAreAnEmptyIndexNot404() {
        HttpResponse<String> r = client.send("GET", "/v2/" + uniqueRepo("none") + "/referrers/"
                + RegistryClient.digest("nothing".getBytes()), null, Map.of());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(json(r.body()).get("manifests")).isEmpty();
        assertOciError(client.send("GET", "/v2/" + uniqueRepo("none") + "/referrers/sha256:xyz"), 400, "DIGEST_INVALID");
    }
}
