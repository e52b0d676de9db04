package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.api.RegistryClient;
import dev.registry.api.TestImages;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Issue 12, "signatures the cosign way, without cosign": a signature pushed over /v2 as cosign does, as an OCI 1.1
 * referrer of an image ({@code subject}, artifactType {@code application/vnd.dev.cosign.artifact.sig.v1+json}) and
 * with cosign's tag schema ({@code sha256-<hex>.sig}: "Attachment images are tagged as:
 * {@code [AttachmentTagPrefix]sha256-[TargetImageDigest].[AttachmentName]}", {@code cosign triangulate}), belongs to
 * its image, as Harbor's accessories do ("Harbor manages a link between the signed artifact and cosign signature,
 * allowing you to apply things like tag retention rules and immutable rules to a signed artifact, and it will extend
 * to both the signed artifact and the signature", goharbor.io, "Sign Artifacts with Cosign or Notation"): listed
 * under it, kept and deleted with it by retention and garbage collection, never counted on its own.
 */
class AccessoriesApiTest extends ManagementTestBase {

    static final String COSIGN_SIGNATURE = "application/vnd.dev.cosign.artifact.sig.v1+json";
    static final String SIMPLE_SIGNING = "application/vnd.dev.cosign.simplesigning.v1+json";

    String project;
    String base;

    @BeforeEach
    void project() {
        project = unique("signed");
        expect(send(admin, "POST", "/api/v1/projects", "{\"name\":\"" + project + "\"}"), 201);
        base = "/api/v1/projects/" + project + "/repositories";
    }

    /** Both signatures of an image: digests and sizes (manifest plus blobs), and the blob only they use. */
    record Signed(String referrer, long referrerSize, String tagged, String tag, long taggedSize, String payload) {
    }

    /** Signs {@code image} over /v2 as cosign does in both of its modes. */
    Signed sign(String repository, Pushed image) {
        byte[] payload = ("{\"critical\":{\"identity\":{\"docker-reference\":\"" + repository + "\"},\"image\":"
                + "{\"docker-manifest-digest\":\"" + image.digest() + "\"},\"type\":\"cosign container image signature\"}}")
                .getBytes();
        String payloadDigest = admin.pushBlob(repository, payload);
        String empty = admin.pushBlob(repository, "{}".getBytes());
        String referrer = TestImages.artifactWithSubject(COSIGN_SIGNATURE, empty, payloadDigest, payload.length, image.digest(),
                image.manifestSize()).replace("application/octet-stream", SIMPLE_SIGNING);
        String referrerDigest = RegistryClient.digest(referrer.getBytes());
        expect(admin.pushManifest(repository, referrerDigest, TestImages.OCI_MANIFEST, referrer), 201);
        // cosign's legacy signature image: an image config, the payload as its layer, the signature as an annotation
        byte[] config = ("{\"architecture\":\"\",\"os\":\"\",\"signed\":\"" + image.digest() + "\"}").getBytes();
        String tagged = """
                {"schemaVersion":2,"mediaType":"%s","config":{"mediaType":"%s","digest":"%s","size":%d},\
                "layers":[{"mediaType":"%s","digest":"%s","size":%d,"annotations":{"dev.cosignproject.cosign/signature":"MEUC"}}]}"""
                .formatted(TestImages.OCI_MANIFEST, TestImages.OCI_CONFIG, admin.pushBlob(repository, config), config.length,
                        SIMPLE_SIGNING, payloadDigest, payload.length);
        String tag = "sha256-" + image.digest().substring("sha256:".length()) + ".sig";
        expect(admin.pushManifest(repository, tag, TestImages.OCI_MANIFEST, tagged), 201);
        return new Signed(referrerDigest, referrer.length() + 2L + payload.length, RegistryClient.digest(tagged.getBytes()), tag,
                tagged.length() + config.length + payload.length, payloadDigest);
    }

    private JsonNode artifacts(String repository) {
        return json(expect(admin.send("GET", base + "/" + repository + "/artifacts"), 200));
    }

    private int status(String repository, String reference) {
        return admin.send("GET", "/v2/" + repository + "/manifests/" + reference).statusCode();
    }

    @Test
    void both_signatures_are_listed_under_their_image_as_accessories_not_beside_it() {
        // given a signed image and an unsigned one
        String repository = project + "/app";
        Pushed image = pushImage(admin, repository, "v1", 100);
        Signed signed = sign(repository, image);
        Pushed other = pushImage(admin, repository, "v2", 120);

        // when the repository's artifacts are listed
        HttpResponse<String> listed = expect(admin.send("GET", base + "/" + repository + "/artifacts"), 200);

        // then only the two images are artifacts; the signed one has both signatures as accessories, newest first
        assertThat(listed.headers().firstValue("X-Total-Count")).contains("2");
        JsonNode artifacts = json(listed);
        assertThat(artifacts.valueStream().map(a -> a.get("digest").asString())).containsExactly(other.digest(), image.digest());
        assertThat(artifacts.get(0).get("accessories").size()).isZero();
        JsonNode accessories = artifacts.get(1).get("accessories");
        assertThat(accessories.valueStream().map(a -> a.get("digest").asString())).containsExactly(signed.tagged(), signed.referrer());
        JsonNode byTag = accessories.get(0);
        assertThat(byTag.get("type").asString()).isEqualTo("signature");
        assertThat(byTag.get("attachedBy").asString()).isEqualTo("tag");
        assertThat(byTag.get("tags").valueStream().map(JsonNode::asString)).containsExactly(signed.tag());
        assertThat(byTag.get("size").asLong()).isEqualTo(signed.taggedSize());
        assertThat(byTag.get("artifactType").asString()).isEqualTo(TestImages.OCI_CONFIG);
        JsonNode bySubject = accessories.get(1);
        assertThat(bySubject.get("type").asString()).isEqualTo("signature");
        assertThat(bySubject.get("attachedBy").asString()).isEqualTo("subject");
        assertThat(bySubject.get("artifactType").asString()).isEqualTo(COSIGN_SIGNATURE);
        assertThat(bySubject.get("mediaType").asString()).isEqualTo(TestImages.OCI_MANIFEST);
        assertThat(bySubject.get("size").asLong()).isEqualTo(signed.referrerSize());
        assertThat(bySubject.get("tags").size()).isZero();
        assertThat(bySubject.get("pushedAt").asString()).isNotBlank();
        // and the repository counts two artifacts; an accessory is still read on its own, by digest or by its tag
        JsonNode summary = json(expect(admin.send("GET", base), 200)).get(0);
        assertThat(summary.get("artifactCount").asLong()).isEqualTo(2);
        assertThat(json(expect(admin.send("GET", base + "/" + repository + "/artifacts/" + signed.referrer()), 200))
                .get("digest").asString()).isEqualTo(signed.referrer());
        assertThat(json(expect(admin.send("GET", base + "/" + repository + "/artifacts/" + signed.tag()), 200))
                .get("digest").asString()).isEqualTo(signed.tagged());
        assertThat(json(expect(admin.send("GET", base + "/" + repository + "/artifacts/" + image.digest()), 200))
                .get("accessories").size()).isEqualTo(2);
    }

    @Test
    void retention_deletes_a_signed_image_with_both_signatures_keeps_the_other_with_its_own_and_never_counts_a_sig_tag()
            throws Exception {
        // given 1.0 and 2.0, then both signed (the .sig tags are the newest pushes), and a policy keeping the latest tagged
        String repository = project + "/app";
        Pushed old = pushImage(admin, repository, "1.0", 100);
        Pushed latest = pushImage(admin, repository, "2.0", 110);
        Signed oldSigned = sign(repository, old);
        Signed latestSigned = sign(repository, latest);
        String retention = "/api/v1/projects/" + project + "/retention";
        expect(send(admin, "PUT", retention, "{\"rules\":[{\"template\":\"latestPushed\",\"count\":1,\"selection\":"
                + "{\"repositoryPattern\":\"**\",\"tagPattern\":\"**\",\"untagged\":false}}]}"), 200);

        // when it runs for real
        JsonNode run = json(expect(admin.send("POST", retention + "/executions?dryRun=false"), 201));

        // then 2.0 is the one kept (not its newer .sig tag) with both signatures; 1.0 went with both of its own
        assertThat(run.get("inScope").asInt()).isEqualTo(6);
        assertThat(run.get("counts").get("deleted").asInt()).isEqualTo(3);
        assertThat(run.get("counts").get("retained").asInt()).isEqualTo(3);
        List<String> tags = new ArrayList<>();
        json(expect(admin.send("GET", "/v2/" + repository + "/tags/list"), 200)).get("tags").forEach(t -> tags.add(t.asString()));
        assertThat(tags).containsExactly("2.0", latestSigned.tag());
        for (String gone : List.of(old.digest(), oldSigned.referrer(), oldSigned.tagged())) {
            assertThat(status(repository, gone)).as(gone).isEqualTo(404);
        }
        for (String kept : List.of(latest.digest(), latestSigned.referrer(), latestSigned.tagged())) {
            assertThat(status(repository, kept)).as(kept).isEqualTo(200);
        }
        JsonNode listed = artifacts(repository);
        assertThat(listed.valueStream().map(a -> a.get("digest").asString())).containsExactly(latest.digest());
        assertThat(listed.get(0).get("accessories").size()).isEqualTo(2);

        // and a collection then deletes the blob only the deleted signatures used
        JsonNode gc = finishedRun(expect(admin.send("POST", "/api/v1/gc/runs?dryRun=false"), 202));
        assertThat(gc.get("state").asString()).isEqualTo("SUCCEEDED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM blob WHERE digest = ?", Long.class, oldSigned.payload())).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM blob WHERE digest = ?", Long.class, latestSigned.payload())).isOne();
        expect(send(admin, "PUT", retention, "{\"rules\":[]}"), 200); // the database is shared: the retention job runs every policy
    }

    @Test
    void deleting_a_signed_image_deletes_its_signatures_and_deleting_a_signature_leaves_its_image() {
        String repository = project + "/app";
        Pushed byApi = pushImage(admin, repository, "api", 100);
        Signed byApiSigned = sign(repository, byApi);
        Pushed byV2 = pushImage(admin, repository, "v2", 110);
        Signed byV2Signed = sign(repository, byV2);
        Pushed kept = pushImage(admin, repository, "kept", 120);
        Signed keptSigned = sign(repository, kept);

        // the management API deletes an artifact with its accessories, as Harbor does
        expect(admin.send("DELETE", base + "/" + repository + "/artifacts/" + byApi.digest()), 204);
        assertThat(status(repository, byApiSigned.referrer())).isEqualTo(404);
        assertThat(status(repository, byApiSigned.tag())).isEqualTo(404);

        // DELETE on /v2 takes the .sig tag along; the referrer stays for a client to delete (or for GC): the OCI conformance
        // suite deletes a subject, then its referrers, expecting 2xx or 405
        expect(admin.send("DELETE", "/v2/" + repository + "/manifests/" + byV2.digest()), 202);
        assertThat(status(repository, byV2Signed.tag())).isEqualTo(404);
        assertThat(status(repository, byV2Signed.tagged())).isEqualTo(404);
        expect(admin.send("DELETE", "/v2/" + repository + "/manifests/" + byV2Signed.referrer()), 202);

        // a signature deleted on its own leaves its image and the other signature
        expect(admin.send("DELETE", base + "/" + repository + "/artifacts/" + keptSigned.referrer()), 204);
        JsonNode listed = artifacts(repository);
        assertThat(listed.valueStream().map(a -> a.get("digest").asString())).containsExactly(kept.digest());
        assertThat(listed.get(0).get("accessories").valueStream().map(a -> a.get("digest").asString()))
                .containsExactly(keptSigned.tagged());
        expect(admin.send("DELETE", base + "/" + repository + "/artifacts/" + keptSigned.tag()), 204);
        assertThat(status(repository, "kept")).isEqualTo(200);
        assertThat(artifacts(repository).get(0).get("accessories").size()).isZero();
    }
}
