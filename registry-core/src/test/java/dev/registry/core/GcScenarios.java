package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.core.audit.AuditService;
import dev.registry.core.gc.GcRun;
import dev.registry.core.gc.GcService;
import dev.registry.core.job.JobRun;
import dev.registry.core.job.JobService;
import dev.registry.core.quota.QuotaService;
import dev.registry.core.upload.UploadStatus;
import dev.registry.storage.BlobStore;
import dev.registry.storage.Digest;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Online garbage collection (docs/gc-design.md, issue 5 "Garbage collection, online"): what it
 * deletes and keeps, the grace for uploads whose manifest has not come yet, dry runs, untagged
 * manifests, incremental runs, quota usage, and pushes racing a running collection.
 *
 * <p>The context (and database) is shared with other scenario classes, whose fresh data every run
 * here also reviews (and keeps: it is inside its grace). Time is moved by ageing this test's own
 * rows, never by sleeping, and assertions look at this test's digests only.
 */
abstract class GcScenarios extends DatabaseScenarios {

    @Autowired
    JobService jobs;
    @Autowired
    GcService gc;
    @Autowired
    QuotaService quotas;
    @Autowired
    BlobStore store;
    @Autowired
    AuditService audit;

    private static final Actor CAROL = new Actor("carol", "user", "192.0.2.9");

    private String newProject() {
        String project = "gc-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        projects.create(project, false, null, "tester", null);
        return project;
    }

    private GcRun collect(boolean dryRun, boolean deleteUntagged) {
        JobRun run = jobs.run(GcService.JOB, JobService.MANUAL, "tester",
                Map.of(GcService.DRY_RUN, Boolean.toString(dryRun), GcService.DELETE_UNTAGGED, Boolean.toString(deleteUntagged)));
        assertThat(run.state()).as(run.summary()).isEqualTo(JobRun.State.SUCCEEDED);
        return gc.run(run.id());
    }

    /** The items of a run about these digests, as "kind digest" lines. */
    private Set<String> items(GcRun run, Digest... digests) {
        Set<String> wanted = java.util.Arrays.stream(digests).map(Digest::toString).collect(Collectors.toSet());
        return gc.items(run.id(), 0, 1_000_000).stream().filter(item -> wanted.contains(item.digest()))
                .map(item -> item.kind() + " " + item.digest()).collect(Collectors.toSet());
    }

    private static OffsetDateTime daysAgo(int days) {
        return OffsetDateTime.now(ZoneOffset.UTC).minusDays(days);
    }

    /** As if the blob's links were made two days ago and its review were due. */
    private void ageBlob(Digest digest) {
        jdbc.update("UPDATE repository_blob SET created_at = ? WHERE digest = ?", daysAgo(2), digest.toString());
        jdbc.update("UPDATE gc_blob_review SET review_after = ? WHERE digest = ?", daysAgo(2), digest.toString());
    }

    /** As if the repository's manifests were pushed two days ago and their reviews were due. */
    private void ageManifests(RepositoryName repo) {
        jdbc.update("UPDATE manifest SET pushed_at = ? WHERE repository_id = (SELECT id FROM repository WHERE name = ?)",
                daysAgo(2), repo.value());
        jdbc.update("UPDATE gc_manifest_review SET review_after = ? WHERE manifest_id IN (SELECT m.id FROM manifest m"
                + " JOIN repository r ON r.id = m.repository_id WHERE r.name = ?)", daysAgo(2), repo.value());
    }

    private boolean stored(Digest digest) {
        return store.stat(digest).isPresent();
    }

    private long used(String project) {
        assertRepositoryFiguresExact();
        return quotas.usage(project).usedBytes();
    }

    private long recalculated(String project) {
        return quotas.recalculate(project).usage().usedBytes();
    }

    @Test
    void an_upload_whose_manifest_never_comes_survives_its_grace_and_goes_after_it() throws Exception {
        // given a layer uploaded into a repository, and no manifest using it
        String project = newProject();
        RepositoryName repo = new RepositoryName(project + "/app");
        Blob layer = randomBlob(3000);
        pushBlob(repo, layer);
        assertThat(used(project)).isEqualTo(3000);

        // when a collection runs inside the grace, then it keeps the layer
        GcRun early = collect(false, false);
        assertThat(items(early, layer.digest())).isEmpty();
        assertThat(linkRows(repo, layer.digest())).isOne();
        assertThat(stored(layer.digest())).isTrue();

        // when one runs after the grace
        ageBlob(layer.digest());
        GcRun late = collect(false, false);

        // then the link, the row and the bytes are gone, and the project's usage with them
        assertThat(items(late, layer.digest())).containsExactlyInAnyOrder("link " + layer.digest(), "blob " + layer.digest());
        assertThat(linkRows(repo, layer.digest())).isZero();
        assertThat(blobRows(layer.digest())).isZero();
        assertThat(stored(layer.digest())).isFalse();
        assertThat(used(project)).isZero().isEqualTo(recalculated(project));
        assertThat(late.counts().freedBytes()).isGreaterThanOrEqualTo(3000);
    }

    @Test
    void a_deleted_image_loses_its_own_layers_and_keeps_the_layer_another_image_uses() throws Exception {
        // given two images sharing a layer in one repository, and a third repository using the shared layer too
        String project = newProject();
        RepositoryName repo = new RepositoryName(project + "/app");
        Blob shared = randomBlob(5000);
        Blob own = randomBlob(4000);
        Blob configA = blob("{\"a\":" + System.nanoTime() + "}");
        Blob configB = blob("{\"b\":" + System.nanoTime() + "}");
        for (Blob b : List.of(shared, own, configA, configB)) {
            pushBlob(repo, b);
        }
        byte[] a = image(configA).layer(shared).layer(own).bytes();
        byte[] b = image(configB).layer(shared).bytes();
        Digest aDigest = pushManifest(repo, "a", a).digest();
        pushManifest(repo, "b", b);

        // when image a is deleted and a collection runs (no grace needed: nothing links its own blobs now)
        artifacts.deleteManifest(repo, Reference.parse(aDigest.toString()));
        GcRun run = collect(false, false);

        // then its own layer and config are gone, the shared layer and b are whole
        assertThat(items(run, own.digest(), configA.digest(), shared.digest()))
                .containsExactlyInAnyOrder("blob " + own.digest(), "blob " + configA.digest());
        assertThat(stored(own.digest())).isFalse();
        assertThat(stored(configA.digest())).isFalse();
        assertThat(readBlob(shared.digest(), 0)).isEqualTo(shared.bytes());
        assertThat(blobs.requireLinked(repo, shared.digest())).isEqualTo(5000);
        assertThat(artifacts.getManifest(repo, Reference.parse("b")).content()).isEqualTo(b);
        assertThat(used(project)).isEqualTo(recalculated(project));
    }

    @Test
    void a_deleted_repository_leaves_its_blobs_to_the_next_collection_unless_another_repository_links_them() throws Exception {
        // given a blob in two repositories and one in only the repository about to go
        String project = newProject();
        RepositoryName doomed = new RepositoryName(project + "/doomed");
        RepositoryName other = new RepositoryName(project + "/other");
        Blob both = randomBlob(1000);
        Blob alone = randomBlob(1000);
        pushBlob(doomed, both);
        pushBlob(other, both);
        pushBlob(doomed, alone);

        // when the repository is deleted and a collection runs
        artifacts.deleteRepository(doomed);
        GcRun run = collect(false, false);

        // then only the blob nobody links any more is gone
        assertThat(items(run, both.digest(), alone.digest())).containsExactly("blob " + alone.digest());
        assertThat(stored(alone.digest())).isFalse();
        assertThat(readBlob(both.digest(), 0)).isEqualTo(both.bytes());
    }

    /** The repositories a run deleted (or would delete) among these names. */
    private Set<String> repositoryItems(GcRun run, RepositoryName... names) {
        Set<String> wanted = java.util.Arrays.stream(names).map(RepositoryName::value).collect(Collectors.toSet());
        return gc.items(run.id(), 0, 1_000_000).stream().filter(item -> item.kind().equals("repository") && wanted.contains(item.repository()))
                .map(item -> item.repository()).collect(Collectors.toSet());
    }

    /** As if the repository's row had been created two days ago and its review were due. */
    private void ageRepository(RepositoryName repo) {
        jdbc.update("UPDATE repository SET created_at = ? WHERE name = ?", daysAgo(2), repo.value());
        jdbc.update("UPDATE gc_repository_review SET review_after = ? WHERE repository_id = (SELECT id FROM repository WHERE name = ?)",
                daysAgo(2), repo.value());
    }

    @Test
    void repository_rows_without_a_manifest_go_after_their_grace_and_repositories_with_one_or_an_open_upload_stay()
            throws Exception {
        // issue 11, correctness 1: what an abandoned upload start or an upload whose manifest never came left behind
        String project = newProject();
        RepositoryName cancelled = new RepositoryName(project + "/cancelled");
        RepositoryName uploaded = new RepositoryName(project + "/uploaded");
        RepositoryName image = new RepositoryName(project + "/image");
        RepositoryName uploading = new RepositoryName(project + "/uploading");
        RepositoryName young = new RepositoryName(project + "/young");
        uploads.cancel(cancelled, uploads.start(cancelled, "tester").id());
        Blob layer = randomBlob(700);
        pushBlob(uploaded, layer);
        Blob config = blob("{\"repo-gc\":" + System.nanoTime() + "}");
        pushBlob(image, config);
        pushManifest(image, "v1", image(config).bytes());
        uploads.start(uploading, "tester");
        uploads.cancel(young, uploads.start(young, "tester").id());
        for (RepositoryName repo : List.of(cancelled, uploaded, image, uploading)) {
            ageRepository(repo);
        }
        ageBlob(layer.digest());
        ageBlob(config.digest());

        // when a dry run and then a real collection run
        GcRun dry = collect(true, false);
        GcRun real = collect(false, false);

        // then the rows that never got a manifest go (the uploaded one after its old link), the rest stay
        Set<String> expected = Set.of(cancelled.value(), uploaded.value());
        assertThat(repositoryItems(dry, cancelled, uploaded, image, uploading, young)).isEqualTo(expected);
        assertThat(repositoryItems(real, cancelled, uploaded, image, uploading, young)).isEqualTo(expected);
        assertThat(repositoryRows(cancelled) + repositoryRows(uploaded)).isZero();
        assertThat(repositoryRows(image) + repositoryRows(uploading) + repositoryRows(young)).isEqualTo(3);
        assertThat(used(project)).isEqualTo(recalculated(project));
        assertThat(artifacts.getManifest(image, Reference.parse("v1")).digest()).isNotNull();
    }

    @Test
    void a_head_of_a_candidate_restarts_its_grace_so_the_client_that_saw_it_can_push_its_manifest() throws Exception {
        // given an old upload no manifest uses, queued and due
        String project = newProject();
        RepositoryName repo = new RepositoryName(project + "/app");
        Blob layer = randomBlob(2000);
        Blob config = blob("{\"head\":" + System.nanoTime() + "}");
        pushBlob(repo, layer);
        pushBlob(repo, config);
        ageBlob(layer.digest());
        ageBlob(config.digest());

        // when a client checks the blobs (HEAD) and a collection runs before its manifest comes
        assertThat(blobs.confirmLinked(repo, layer.digest())).isEqualTo(2000);
        assertThat(blobs.confirmLinked(repo, config.digest())).isEqualTo(config.size());
        GcRun run = collect(false, false);

        // then both stay and the manifest push succeeds
        assertThat(items(run, layer.digest(), config.digest())).isEmpty();
        pushManifest(repo, "v1", image(config).layer(layer).bytes());
        assertThat(readBlob(layer.digest(), 0)).isEqualTo(layer.bytes());
    }

    @Test
    void a_dry_run_lists_exactly_what_the_real_run_then_deletes_and_changes_nothing() throws Exception {
        // given an old unreferenced upload, and an old untagged image whose layer nothing else uses
        String project = newProject();
        RepositoryName repo = new RepositoryName(project + "/app");
        Blob orphan = randomBlob(1500);
        Blob layer = randomBlob(2500);
        Blob config = blob("{\"dry\":" + System.nanoTime() + "}");
        pushBlob(repo, orphan);
        pushBlob(repo, layer);
        pushBlob(repo, config);
        Digest untagged = pushManifest(repo, "old", image(config).layer(layer).bytes()).digest();
        artifacts.deleteManifest(repo, Reference.parse("old"));
        ageBlob(orphan.digest());
        ageBlob(layer.digest());
        ageBlob(config.digest());
        ageManifests(repo);
        long usedBefore = used(project);

        // when a dry run with untagged manifests runs
        GcRun dry = collect(true, true);

        // then it lists the manifest, its blobs and the orphan, and nothing changed
        Set<String> expected = Set.of("manifest " + untagged, "blob " + layer.digest(), "blob " + config.digest(),
                "link " + orphan.digest(), "blob " + orphan.digest());
        assertThat(dry.dryRun()).isTrue();
        assertThat(items(dry, untagged, layer.digest(), config.digest(), orphan.digest())).isEqualTo(expected);
        assertThat(manifestRows(repo, untagged)).isOne();
        assertThat(stored(layer.digest())).isTrue();
        assertThat(linkRows(repo, orphan.digest())).isOne();
        assertThat(used(project)).isEqualTo(usedBefore);

        // when the real run follows, started by carol, then it deletes exactly that
        GcRun real;
        try (Actor.Scope ignored = Actor.open(CAROL)) {
            real = collect(false, true);
        }
        assertThat(items(real, untagged, layer.digest(), config.digest(), orphan.digest())).isEqualTo(expected);
        // and the deletion is carol's, from her address, pointing at the run (issue 11, correctness 5: it was "system")
        audit.flush();
        assertThat(audit.query(project, null, null, 0, 100)).filteredOn(e -> e.operation().equals("delete")
                && e.resource().equals(repo + "@" + untagged)).singleElement().satisfies(e -> {
                    assertThat(e.actor()).isEqualTo("carol");
                    assertThat(e.clientAddress()).isEqualTo("192.0.2.9");
                    assertThat(e.cause()).isEqualTo("gc-run:" + real.id());
                });
        assertThat(manifestRows(repo, untagged)).isZero();
        assertThat(stored(layer.digest())).isFalse();
        assertThat(stored(orphan.digest())).isFalse();
        assertThat(used(project)).isZero().isEqualTo(recalculated(project));
    }

    @Test
    void untagged_manifests_go_only_when_asked_and_not_when_a_kept_index_lists_them_or_they_refer_to_a_kept_subject()
            throws Exception {
        // given: a tagged image with a signature, a tagged index with an untagged child, an untagged
        // image with a signature, and an untagged image pushed just now
        String project = newProject();
        RepositoryName repo = new RepositoryName(project + "/app");
        Blob layer = randomBlob(1000);
        pushBlob(repo, layer);
        Digest tagged = pushImage(repo, "v1", layer, "tagged");
        Digest signature = pushImage(repo, null, layer, "sig-of-tagged", tagged);
        Digest child = pushImage(repo, null, layer, "child");
        Digest index = pushIndex(repo, "multi", child);
        Digest untagged = pushImage(repo, "gone", layer, "untagged");
        Digest untaggedSignature = pushImage(repo, null, layer, "sig-of-untagged", untagged);
        artifacts.deleteManifest(repo, Reference.parse("gone"));
        ageManifests(repo);
        Digest fresh = pushImage(repo, "fresh", layer, "fresh");
        artifacts.deleteManifest(repo, Reference.parse("fresh"));

        // when a collection runs without deleteUntagged, then no manifest goes
        GcRun plain = collect(false, false);
        assertThat(items(plain, tagged, signature, child, index, untagged, untaggedSignature, fresh)).isEmpty();

        // when one runs with deleteUntagged
        GcRun run = collect(false, true);

        // then the untagged image and its signature go; the rest stays, the fresh one for its grace
        assertThat(items(run, tagged, signature, child, index, untagged, untaggedSignature, fresh))
                .containsExactlyInAnyOrder("manifest " + untagged, "manifest " + untaggedSignature);
        for (Digest kept : List.of(tagged, signature, child, index, fresh)) {
            assertThat(manifestRows(repo, kept)).as(kept.toString()).isOne();
        }
        assertThat(manifestRows(repo, untagged)).isZero();
        assertThat(manifestRows(repo, untaggedSignature)).isZero();
        assertThat(readBlob(layer.digest(), 0)).isEqualTo(layer.bytes());
        assertThat(used(project)).isEqualTo(recalculated(project));
        // and what the deletions queued (the signature, looked at in the same run) is settled: nothing is due
        assertThat(collect(false, true).counts().reviewedManifests()).isZero();
    }

    /** The blobs the manifests reference (config, layers), read before they go. */
    private List<Digest> blobsOf(Digest... manifests) {
        return jdbc.queryForList("SELECT DISTINCT x.digest FROM manifest_reference x JOIN manifest m ON m.id = x.manifest_id"
                        + " WHERE x.kind = 'blob' AND m.digest IN (" + String.join(",", java.util.Collections.nCopies(manifests.length, "?"))
                        + ")", String.class, (Object[]) java.util.Arrays.stream(manifests).map(Digest::toString).toArray(String[]::new))
                .stream().map(Digest::parse).toList();
    }

    /**
     * Issue 12, signatures the cosign way: an untagged image's signatures (a referrer, and a manifest tagged
     * {@code sha256-<hex>.sig}, which its tag would keep forever) go with it, as Harbor deletes accessories with
     * their subject; a tagged image's stay. A dry run lists the same.
     */
    @Test
    void an_untagged_image_goes_with_its_signatures_of_both_shapes_and_a_tagged_images_signatures_stay() throws Exception {
        // given a tagged and an untagged image, each signed both ways, all past their grace
        String project = newProject();
        RepositoryName repo = new RepositoryName(project + "/signed");
        Blob layer = randomBlob(1000);
        pushBlob(repo, layer);
        Digest tagged = pushImage(repo, "v1", layer, "signed-tagged");
        Digest[] taggedSignatures = sign(repo, tagged);
        Digest untagged = pushImage(repo, "gone", layer, "signed-untagged");
        Digest[] untaggedSignatures = sign(repo, untagged);
        Digest[] countersignatures = sign(repo, untaggedSignatures[0]); // accessories of an accessory go too
        artifacts.deleteManifest(repo, Reference.parse("gone"));
        ageManifests(repo);
        List<Digest> signatureBlobs = blobsOf(untaggedSignatures);
        Digest[] all = {tagged, taggedSignatures[0], taggedSignatures[1], untagged, untaggedSignatures[0], untaggedSignatures[1],
                countersignatures[0], countersignatures[1]};

        // when a dry run and a real run with deleteUntagged follow
        GcRun dry = collect(true, true);
        GcRun run = collect(false, true);

        // then the untagged image and both its signatures are listed and gone, with the .sig tag; the tagged ones stay
        Set<String> expected = Set.of("manifest " + untagged, "manifest " + untaggedSignatures[0], "manifest " + untaggedSignatures[1],
                "manifest " + countersignatures[0], "manifest " + countersignatures[1]);
        assertThat(items(dry, all)).isEqualTo(expected);
        assertThat(items(run, all)).isEqualTo(expected);
        for (Digest gone : List.of(untagged, untaggedSignatures[0], untaggedSignatures[1], countersignatures[0], countersignatures[1])) {
            assertThat(manifestRows(repo, gone)).as(gone.toString()).isZero();
        }
        for (Digest kept : List.of(tagged, taggedSignatures[0], taggedSignatures[1])) {
            assertThat(manifestRows(repo, kept)).as(kept.toString()).isOne();
        }
        assertThat(tagRows(repo, cosignTag(untagged, "sig"))).isZero();
        assertThat(tagRows(repo, cosignTag(tagged, "sig"))).isOne();
        assertThat(used(project)).isEqualTo(recalculated(project));
        // and the next collection takes the blobs only those signatures used
        collect(false, false);
        assertThat(signatureBlobs).isNotEmpty().allSatisfy(blob -> assertThat(blobRows(blob)).as(blob.toString()).isZero());
        assertThat(readBlob(layer.digest(), 0)).isEqualTo(layer.bytes());
    }

    /**
     * Issue 12: deleting a subject by digest on /v2 takes its {@code sha256-<hex>.sig} signature at once (tag and
     * manifest) and leaves its referrer to the collection, which deletes it as a referrer of a deleted subject (a
     * client may still DELETE it: the OCI conformance suite deletes a subject, then its referrers); the management
     * API's deletion (Harbor's) takes both at once; deleting a signature alone leaves its subject and the other one.
     */
    @Test
    void a_deleted_subject_takes_its_signatures_along_and_a_signature_deleted_alone_leaves_its_subject() throws Exception {
        String project = newProject();
        RepositoryName repo = new RepositoryName(project + "/signed");
        Blob layer = randomBlob(500);
        pushBlob(repo, layer);
        Digest byV2 = pushImage(repo, "v2-deleted", layer, "deleted-on-v2");
        Digest[] byV2Signatures = sign(repo, byV2);
        Digest byApi = pushImage(repo, "api-deleted", layer, "deleted-by-api");
        Digest[] byApiSignatures = sign(repo, byApi);
        Digest alone = pushImage(repo, "kept", layer, "signature-deleted-alone");
        Digest[] aloneSignatures = sign(repo, alone);

        // when each is deleted its way
        artifacts.deleteManifest(repo, Reference.parse(byV2.toString()));
        artifacts.deleteArtifact(repo, Reference.parse(byApi.toString()));
        artifacts.deleteArtifact(repo, Reference.parse(aloneSignatures[0].toString()));
        artifacts.deleteManifest(repo, Reference.parse(aloneSignatures[1].toString()));

        // then /v2 took the tagged signature and left the referrer; the API took both; the signatures went alone
        assertThat(manifestRows(repo, byV2Signatures[1]) + tagRows(repo, cosignTag(byV2, "sig"))).isZero();
        assertThat(manifestRows(repo, byV2Signatures[0])).isOne();
        assertThat(manifestRows(repo, byApiSignatures[0]) + manifestRows(repo, byApiSignatures[1])).isZero();
        assertThat(manifestRows(repo, alone)).isOne();
        assertThat(tagRows(repo, "kept")).isOne();
        assertThat(manifestRows(repo, aloneSignatures[0]) + manifestRows(repo, aloneSignatures[1])).isZero();
        assertThat(used(project)).isEqualTo(recalculated(project));

        // and the referrer left behind goes with the next collection of untagged manifests
        ageManifests(repo);
        assertThat(items(collect(false, true), byV2Signatures[0])).containsExactly("manifest " + byV2Signatures[0]);
        assertThat(manifestRows(repo, byV2Signatures[0])).isZero();
    }

    @Test
    void a_second_run_right_after_a_first_has_nothing_to_review() throws Exception {
        // given some garbage, collected once
        String project = newProject();
        RepositoryName repo = new RepositoryName(project + "/app");
        Blob orphan = randomBlob(100);
        pushBlob(repo, orphan);
        ageBlob(orphan.digest());
        assertThat(collect(false, true).counts().deletedBlobs()).isGreaterThanOrEqualTo(1);

        // when a second run follows at once, then it looks at nothing: its work follows what changed
        GcRun second = collect(false, true);
        assertThat(second.counts().reviewedBlobs()).isZero();
        assertThat(second.counts().reviewedManifests()).isZero();
    }

    @Test
    void bytes_already_gone_from_the_store_are_no_obstacle_to_a_collection() throws Exception {
        // given garbage whose bytes a killed collection already removed from the store
        String project = newProject();
        RepositoryName repo = new RepositoryName(project + "/app");
        Blob orphan = randomBlob(100);
        pushBlob(repo, orphan);
        ageBlob(orphan.digest());
        store.delete(orphan.digest());

        // when a collection runs, then it finishes and removes the rows (storage deletes are idempotent)
        GcRun run = collect(false, false);
        assertThat(items(run, orphan.digest())).contains("blob " + orphan.digest());
        assertThat(blobRows(orphan.digest())).isZero();
    }

    @Test
    void a_collection_killed_half_way_through_a_batch_is_finished_by_the_next_run_and_nothing_kept_is_touched()
            throws Exception {
        // given a deleted image and two abandoned uploads, all due, and a kept image sharing a layer
        String project = newProject();
        RepositoryName repo = new RepositoryName(project + "/app");
        Blob shared = randomBlob(2500);
        Blob own = randomBlob(1500);
        Blob configGone = blob("{\"gone\":" + System.nanoTime() + "}");
        Blob configKept = blob("{\"kept\":" + System.nanoTime() + "}");
        Blob abandoned1 = randomBlob(700);
        Blob abandoned2 = randomBlob(800);
        for (Blob b : List.of(shared, own, configGone, configKept, abandoned1, abandoned2)) {
            pushBlob(repo, b);
        }
        Digest gone = pushManifest(repo, "gone", image(configGone).layer(shared).layer(own).bytes()).digest();
        byte[] kept = image(configKept).layer(shared).bytes();
        pushManifest(repo, "kept", kept);
        artifacts.deleteManifest(repo, Reference.parse(gone.toString()));
        List<Blob> garbage = List.of(own, configGone, abandoned1, abandoned2);
        garbage.forEach(b -> ageBlob(b.digest()));
        // and a run that a replica was killed in: its job run still says RUNNING (its lock expired), and it
        // had deleted the bytes of part of a batch whose transaction never committed (rows still there)
        jdbc.update("INSERT INTO job_run (job_name, run_trigger, triggered_by, state, replica, stop_requested, started_at)"
                + " VALUES (?, 'manual', 'tester', 'RUNNING', 'killed/1', FALSE, CURRENT_TIMESTAMP)", GcService.JOB);
        long killed = jobs.runs(GcService.JOB, 0, 1).getFirst().id();
        store.delete(own.digest());
        store.delete(abandoned1.digest());
        assertThat(blobRows(own.digest()) + blobRows(abandoned1.digest())).isEqualTo(2);

        // when the next collection runs
        GcRun next = collect(false, false);

        // then it finishes the work: every garbage row and byte is gone, the killed run is marked failed
        for (Blob b : garbage) {
            assertThat(blobRows(b.digest())).as("row of %s", b.digest()).isZero();
            assertThat(stored(b.digest())).as("bytes of %s", b.digest()).isFalse();
        }
        assertThat(items(next, own.digest(), abandoned1.digest(), abandoned2.digest(), configGone.digest()))
                .contains("blob " + own.digest(), "blob " + abandoned1.digest(), "blob " + abandoned2.digest(),
                        "blob " + configGone.digest());
        assertThat(jobs.require(killed).state()).isEqualTo(JobRun.State.FAILED);
        // and the kept image is whole, and the usage agrees with a recount
        assertThat(artifacts.getManifest(repo, Reference.parse("kept")).content()).isEqualTo(kept);
        assertThat(readBlob(shared.digest(), 0)).isEqualTo(shared.bytes());
        assertThat(readBlob(configKept.digest(), 0)).isEqualTo(configKept.bytes());
        assertThat(used(project)).isEqualTo(recalculated(project)).isEqualTo(2500L + configKept.bytes().length + kept.length);
        // and a run after it has nothing left of this to do
        assertThat(items(collect(false, false), own.digest(), abandoned1.digest(), abandoned2.digest(), configGone.digest()))
                .isEmpty();
    }

    @Test
    void a_blob_refused_by_the_quota_leaves_no_bytes_behind_after_a_collection() throws Exception {
        // given a project with a small quota, and an upload over it
        String project = "gc-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        projects.create(project, false, 1000L, "tester", null);
        RepositoryName repo = new RepositoryName(project + "/app");
        Blob big = randomBlob(2000);
        // a monolithic upload announces its size: refused before its bytes (issue 11, correctness item 9)
        assertThatThrownBy(() -> pushBlob(repo, big)).isInstanceOf(RegistryException.class).hasMessageContaining("quota");
        assertThat(stored(big.digest())).isFalse();
        // a streamed one does not: its verified bytes are refused at the link
        UploadStatus session = uploads.start(repo, "tester");
        uploads.append(repo, session.id(), null, -1, new ByteArrayInputStream(big.bytes()));
        assertThatThrownBy(() -> uploads.complete(repo, session.id(), big.digest(), null, 0))
                .isInstanceOf(RegistryException.class).hasMessageContaining("quota");
        assertThat(stored(big.digest())).isTrue();

        // when a collection runs, then the refused bytes are gone
        GcRun run = collect(false, false);
        assertThat(items(run, big.digest())).containsExactly("blob " + big.digest());
        assertThat(stored(big.digest())).isFalse();
    }

    /**
     * The race of the issue: images are pushed again while a collection that is about to delete
     * their blobs runs in a loop. Clients behave as real ones do: a blob that answers HEAD is not
     * uploaded; a refused upload or a manifest refused for a missing blob is retried. Every image
     * pushed then pulls intact, and nothing a manifest references is missing.
     */
    @Test
    void images_pushed_while_a_collection_deletes_their_blobs_all_pull_intact() throws Exception {
        String project = newProject();
        RepositoryName repo = new RepositoryName(project + "/race");
        int images = 24;
        List<List<Blob>> blobsOf = new ArrayList<>();
        for (int i = 0; i < images; i++) {
            Blob config = blob("{\"race\":" + i + ",\"n\":" + System.nanoTime() + "}");
            blobsOf.add(List.of(config, randomBlob(2048), randomBlob(512)));
        }
        // half the images were pushed and deleted (their blobs unlinked and due); the other half's
        // blobs were uploaded long ago and never used (linked, past their grace, due)
        for (int i = 0; i < images; i++) {
            List<Blob> image = blobsOf.get(i);
            for (Blob b : image) {
                pushBlob(repo, b);
            }
            if (i % 2 == 0) {
                Digest d = pushManifest(repo, "tmp" + i, manifestOf(image)).digest();
                artifacts.deleteManifest(repo, Reference.parse(d.toString()));
            }
            image.forEach(b -> ageBlob(b.digest()));
        }

        AtomicBoolean pushing = new AtomicBoolean(true);
        AtomicInteger collections = new AtomicInteger();
        AtomicInteger retries = new AtomicInteger();
        Map<Integer, Digest> pushed = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(5);
        try {
            Future<?> collector = pool.submit(() -> {
                while (pushing.get() || collections.get() < 2) {
                    collect(false, false);
                    collections.incrementAndGet();
                }
                return null;
            });
            List<Future<?>> pushers = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int first = t;
                pushers.add(pool.submit(() -> {
                    for (int i = first; i < images; i += 4) {
                        pushed.put(i, pushLikeAClient(repo, "v" + i, blobsOf.get(i), retries));
                    }
                    return null;
                }));
            }
            for (Future<?> pusher : pushers) {
                pusher.get();
            }
            pushing.set(false);
            collector.get();
        } finally {
            pool.shutdownNow();
        }

        // a collection after the pushes, too: nothing pushed is garbage
        collect(false, false);
        assertThat(pushed).hasSize(images);
        for (int i = 0; i < images; i++) {
            assertThat(artifacts.getManifest(repo, Reference.parse("v" + i)).digest()).isEqualTo(pushed.get(i));
            for (Blob b : blobsOf.get(i)) {
                assertThat(blobs.requireLinked(repo, b.digest())).isEqualTo(b.size());
                assertThat(readBlob(b.digest(), 0)).as("image %d blob %s", i, b.digest()).isEqualTo(b.bytes());
            }
        }
        assertThat(used(project)).isEqualTo(recalculated(project));
    }

    /** A push the way docker or skopeo does it: HEAD each blob, upload the missing ones, put the manifest; retry when refused. */
    private Digest pushLikeAClient(RepositoryName repo, String tag, List<Blob> image, AtomicInteger retries) throws Exception {
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                for (Blob b : image) {
                    try {
                        blobs.confirmLinked(repo, b.digest());
                    } catch (RegistryException unknown) {
                        pushBlob(repo, b);
                    }
                }
                return pushManifest(repo, tag, manifestOf(image)).digest();
            } catch (RegistryException refused) {
                if (refused.code() != ErrorCode.MANIFEST_BLOB_UNKNOWN && refused.code() != ErrorCode.BLOB_UPLOAD_INVALID) {
                    throw refused;
                }
                retries.incrementAndGet();
            }
        }
        throw new AssertionError("image " + tag + " could not be pushed in 20 attempts");
    }

    private static byte[] manifestOf(List<Blob> image) {
        ManifestBuilder builder = image(image.getFirst());
        image.subList(1, image.size()).forEach(builder::layer);
        return builder.bytes();
    }

    @Test
    void the_schedule_fires_once_across_replicas_and_refuses_what_is_not_a_cron_expression() {
        try {
            // given a schedule every second
            gc.setSchedule("* * * * * *", true, "tester");
            Instant later = Instant.now().plusSeconds(2);

            // when two replicas check at the same moment, then one of them gets the run
            var first = gc.claimScheduledRun(later);
            var second = gc.claimScheduledRun(later);
            assertThat(first).hasValue(Map.of(GcService.DRY_RUN, "false", GcService.DELETE_UNTAGGED, "true"));
            assertThat(second).isEmpty();
            assertThat(gc.settings().nextRunAt()).isAfter(later.minusSeconds(1));

            // and something that is not a cron expression is refused, naming the field
            assertThatThrownBy(() -> gc.setSchedule("every night", false, "tester")).isInstanceOf(RegistryException.class)
                    .hasMessageContaining("cron").extracting(e -> ((RegistryException) e).code()).isEqualTo(ErrorCode.INVALID_INPUT);
        } finally {
            gc.setSchedule(null, false, "tester");
        }
        assertThat(gc.settings().nextRunAt()).isNull();
        assertThat(gc.claimScheduledRun(Instant.now().plusSeconds(3600))).isEmpty();
    }

    private Digest pushImage(RepositoryName repo, String tag, Blob layer, String name, Digest... subject) throws Exception {
        Blob config = blob("{\"name\":\"" + name + "\",\"n\":" + System.nanoTime() + "}");
        pushBlob(repo, config);
        ManifestBuilder builder = image(config).layer(layer);
        if (subject.length > 0) {
            builder.subject(subject[0], 100);
        }
        byte[] bytes = builder.bytes();
        String reference = tag != null ? tag : Digest.sha256(bytes).toString();
        return pushManifest(repo, reference, bytes).digest();
    }
}
