package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.registry.core.artifact.ArtifactListing;
import dev.registry.core.artifact.ManifestContent;
import dev.registry.core.artifact.MediaTypes;
import dev.registry.core.artifact.Page;
import dev.registry.core.artifact.PushedManifest;
import dev.registry.core.artifact.Reference;
import dev.registry.core.artifact.Referrer;
import dev.registry.core.artifact.RepositoryName;
import dev.registry.storage.Digest;
import java.util.ArrayList;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;

/** Migrations, manifests, tags, catalog and referrers, as registry-core stores and reads them. */
abstract class ArtifactScenarios extends DatabaseScenarios {

    @Autowired
    Flyway flyway;
    @Autowired
    ArtifactListing listing;

    @Value("${spring.flyway.default-schema:public}")
    String expectedSchema;

    @Test
    void flyway_migrates_a_fresh_schema_to_the_latest_version() {
        // given the context started on a database no earlier run touched
        // when Flyway ran at start-up
        List<MigrationInfo> applied = List.of(flyway.info().applied());

        // then every version was applied successfully, in this run's schema
        assertThat(applied).extracting(m -> m.getVersion().getVersion())
                .containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20");
        assertThat(applied).extracting(MigrationInfo::getState).containsOnly(MigrationState.SUCCESS);
        assertThat(flyway.info().pending()).isEmpty();
        assertThat(jdbc.queryForObject("SELECT current_schema()", String.class)).isEqualTo(expectedSchema);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM information_schema.tables WHERE table_schema = ?"
                + " AND table_name IN ('repository', 'blob', 'repository_blob', 'manifest', 'manifest_reference',"
                + " 'tag', 'upload_session', 'flyway_schema_history', 'project', 'user_account', 'project_member', 'robot',"
                + " 'robot_permission', 'login_failure', 'signing_key', 'audit_event', 'immutability_rule', 'shedlock',"
                + " 'project_usage', 'retention_policy', 'retention_execution', 'retention_decision', 'job_run')",
                Integer.class, expectedSchema)).isEqualTo(23);
    }

    @Test
    void on_postgresql_repository_and_tag_names_use_the_byte_order_C_collation() {
        assumeTrue(onPostgres(), "collations are a PostgreSQL matter; H2 compares code points already");

        // given the schema V2__byte_order_names migrated
        // when the catalog describes the name columns that are listed in pages (not, say, ShedLock's job names)
        List<String> collations = jdbc.queryForList("SELECT table_name || '.' || column_name || ' ' || collation_name"
                + " FROM information_schema.columns WHERE table_schema = ? AND column_name = 'name'"
                + " AND table_name IN ('project', 'repository', 'robot', 'tag') ORDER BY table_name", String.class, expectedSchema);

        // then all use "C", whatever the database's default collation is
        assertThat(collations).containsExactly("project.name C", "repository.name C", "robot.name C", "tag.name C");
    }

    @Test
    void tags_come_back_in_java_string_order_which_is_byte_order() throws Exception {
        // given a repository with tags whose linguistic and byte orders differ
        RepositoryName repo = newRepository("byte-order");
        Blob config = blob("{\"byte\": \"order\"}");
        pushBlob(repo, config);
        byte[] manifest = image(config).bytes();
        List<String> pushed = List.of("B", "a", "A", "b", "_x", "Z9");
        for (String tag : pushed) {
            pushManifest(repo, tag, manifest);
        }

        // when the tags are listed
        Page page = artifacts.tags(repo, 100, null);

        // then they are in Java String order (upper case, digits-suffixed, underscore, lower case)
        List<String> javaOrder = new ArrayList<>(pushed);
        javaOrder.sort(null);
        assertThat(javaOrder).containsExactly("A", "B", "Z9", "_x", "a", "b");
        assertThat(page.items()).containsExactlyElementsOf(javaOrder);
        assertThat(page.hasMore()).isFalse();
    }

    @Test
    void a_manifest_pushed_by_tag_reads_back_with_its_exact_bytes_by_tag_and_by_digest() throws Exception {
        // given a config uploaded in one request and a layer uploaded in three chunks
        RepositoryName repo = newRepository("push-pull");
        Blob config = blob("{\"architecture\": \"amd64\", \"os\": \"linux\"}");
        Blob layer = randomBlob(100_000);
        pushBlob(repo, config);
        pushBlobInChunks(repo, layer, 40_000);
        byte[] manifest = image(config).layer(layer).annotation("org.opencontainers.image.title", "push-pull").bytes();

        // when the manifest is pushed as "v1"
        PushedManifest pushed = pushManifest(repo, "v1", manifest);

        // then tag and digest give the very bytes pushed, and the blobs read back exactly
        Digest digest = Digest.sha256(manifest);
        assertThat(pushed.digest()).isEqualTo(digest);
        assertThat(pushed.subject()).isNull();
        ManifestContent byTag = artifacts.getManifest(repo, Reference.parse("v1"));
        ManifestContent byDigest = artifacts.getManifest(repo, Reference.parse(digest.toString()));
        for (ManifestContent read : List.of(byTag, byDigest)) {
            assertThat(read.content()).isEqualTo(manifest);
            assertThat(read.digest()).isEqualTo(digest);
            assertThat(read.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
        }
        assertThat(blobs.linkedSize(repo, layer.digest())).contains(layer.size());
        assertThat(blobs.linkedSize(repo, config.digest())).contains(config.size());
        assertThat(readBlob(layer.digest(), 0)).isEqualTo(layer.bytes());
        assertThat(readBlob(layer.digest(), 99_990)).hasSize(10);
        assertThat(readBlob(config.digest(), 0)).isEqualTo(config.bytes());
        assertThat(referenceRows(repo, digest)).isEqualTo(2);
    }

    @Test
    void deleting_a_tag_removes_only_the_tag_and_keeps_the_manifest() throws Exception {
        // given one manifest under two tags
        RepositoryName repo = newRepository("delete-tag");
        Blob config = blob("{\"delete\": \"tag\"}");
        pushBlob(repo, config);
        byte[] manifest = image(config).bytes();
        Digest digest = pushManifest(repo, "one", manifest).digest();
        pushManifest(repo, "two", manifest);

        // when tag "one" is deleted
        artifacts.deleteManifest(repo, Reference.parse("one"));

        // then "one" is unknown, "two" and the digest still give the manifest
        assertThatThrownBy(() -> artifacts.getManifest(repo, Reference.parse("one")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN));
        assertThat(artifacts.getManifest(repo, Reference.parse("two")).content()).isEqualTo(manifest);
        assertThat(artifacts.getManifest(repo, Reference.parse(digest.toString())).content()).isEqualTo(manifest);
        assertThat(artifacts.tags(repo, 10, null).items()).containsExactly("two");
        // and deleting it again is refused
        assertThatThrownBy(() -> artifacts.deleteManifest(repo, Reference.parse("one")))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN));
    }

    @Test
    void deleting_a_manifest_by_digest_removes_it_together_with_its_tags() throws Exception {
        // given manifest A under tags "a1" and "a2", and manifest B under tag "b"
        RepositoryName repo = newRepository("delete-manifest");
        Blob config = blob("{\"delete\": \"manifest\"}");
        Blob layer = blob("layer of A");
        pushBlob(repo, config);
        pushBlob(repo, layer);
        byte[] a = image(config).layer(layer).bytes();
        byte[] b = image(config).annotation("which", "b").bytes();
        Digest digestA = pushManifest(repo, "a1", a).digest();
        pushManifest(repo, "a2", a);
        pushManifest(repo, "b", b);

        // when A is deleted by digest
        artifacts.deleteManifest(repo, Reference.parse(digestA.toString()));

        // then A, its tags and its references are gone; B is untouched
        for (String reference : List.of(digestA.toString(), "a1", "a2")) {
            assertThatThrownBy(() -> artifacts.getManifest(repo, Reference.parse(reference)))
                    .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN));
        }
        assertThat(manifestRows(repo, digestA)).isZero();
        assertThat(referenceRows(repo, digestA)).isZero();
        assertThat(artifacts.tags(repo, 10, null).items()).containsExactly("b");
        assertThat(artifacts.getManifest(repo, Reference.parse("b")).content()).isEqualTo(b);
        // and the layer only A used is unlinked from the repository (its share of the quota is freed;
        // its bytes stay until garbage collection), while the config B uses stays linked
        assertThat(blobs.linkedSize(repo, layer.digest())).isEmpty();
        assertThat(blobRows(layer.digest())).isOne();
        assertThat(blobs.linkedSize(repo, config.digest())).contains(config.size());
    }

    @Test
    void tags_are_paged_with_limit_and_last() throws Exception {
        // given five tags
        RepositoryName repo = newRepository("tag-pages");
        Blob config = blob("{\"tag\": \"pages\"}");
        pushBlob(repo, config);
        byte[] manifest = image(config).bytes();
        for (String tag : List.of("t5", "t1", "t4", "t2", "t3")) {
            pushManifest(repo, tag, manifest);
        }

        // when they are read two at a time, each page starting after the last name of the previous one
        Page first = artifacts.tags(repo, 2, null);
        Page second = artifacts.tags(repo, 2, first.last());
        Page third = artifacts.tags(repo, 2, second.last());

        // then the pages split the sorted list and only the last one says there is no more
        assertThat(first.items()).containsExactly("t1", "t2");
        assertThat(first.hasMore()).isTrue();
        assertThat(second.items()).containsExactly("t3", "t4");
        assertThat(second.hasMore()).isTrue();
        assertThat(third.items()).containsExactly("t5");
        assertThat(third.hasMore()).isFalse();
        assertThat(artifacts.tags(repo, 2, "t5").items()).isEmpty();
        assertThat(artifacts.tags(repo, 5, null)).isEqualTo(new Page(List.of("t1", "t2", "t3", "t4", "t5"), false));
        assertThat(artifacts.tags(repo, 100, "t2").items()).containsExactly("t3", "t4", "t5");
    }

    @Test
    void the_catalog_lists_only_repositories_that_hold_a_manifest() throws Exception {
        // given three repositories under one prefix: two with a manifest, one with only a blob
        String prefix = newRepository("catalog").pathInProject();
        projects.create(prefix, false, null, "tester", null);
        RepositoryName withManifestB = new RepositoryName(prefix + "/b");
        RepositoryName withManifestA = new RepositoryName(prefix + "/a");
        RepositoryName blobOnly = new RepositoryName(prefix + "/blob-only");
        Blob config = blob("{\"catalog\": true}");
        for (RepositoryName repo : List.of(withManifestB, withManifestA, blobOnly)) {
            pushBlob(repo, config);
        }
        pushManifest(withManifestB, "latest", image(config).bytes());
        pushManifest(withManifestA, "latest", image(config).bytes());

        // when the catalog is read from the prefix on
        Page all = artifacts.catalog(1000, prefix);
        Page first = artifacts.catalog(1, prefix);

        // then it holds the repositories with manifests in order, and not the blob-only one
        assertThat(all.items()).filteredOn(n -> n.startsWith(prefix + "/"))
                .containsExactly(withManifestA.value(), withManifestB.value());
        assertThat(all.items()).doesNotContain(blobOnly.value(), prefix);
        assertThat(first).isEqualTo(new Page(List.of(withManifestA.value()), true));
        assertThat(repositoryRows(blobOnly)).isEqualTo(1);
    }

    @Test
    void referrers_are_listed_for_a_subject_with_and_without_an_artifact_type_filter() throws Exception {
        // given a subject image and, pointing at it, an SBOM and a signature; plus an unrelated image
        RepositoryName repo = newRepository("referrers");
        Blob config = blob("{\"referrers\": \"subject\"}");
        Blob empty = blob("{}");
        pushBlob(repo, config);
        pushBlob(repo, empty);
        byte[] subjectManifest = image(config).bytes();
        Digest subject = pushManifest(repo, "app", subjectManifest).digest();
        byte[] sbom = image(empty).artifactType("application/vnd.example.sbom.v1+json")
                .subject(subject, subjectManifest.length).annotation("org.example.kind", "sbom").bytes();
        byte[] signature = image(empty).artifactType("application/vnd.example.signature.v1")
                .subject(subject, subjectManifest.length).bytes();
        PushedManifest sbomPushed = pushManifest(repo, Digest.sha256(sbom).toString(), sbom);
        PushedManifest signaturePushed = pushManifest(repo, Digest.sha256(signature).toString(), signature);
        pushManifest(repo, "unrelated", image(empty).bytes());

        // when the referrers are listed, all and then SBOMs only
        List<Referrer> all = artifacts.referrers(repo, subject, null);
        List<Referrer> sboms = artifacts.referrers(repo, subject, "application/vnd.example.sbom.v1+json");

        // then both referrers are listed with what the referrers API reports, the filter keeps the SBOM
        assertThat(sbomPushed.subject()).isEqualTo(subject);
        assertThat(signaturePushed.subject()).isEqualTo(subject);
        assertThat(all).extracting(Referrer::digest)
                .containsExactlyInAnyOrder(Digest.sha256(sbom), Digest.sha256(signature));
        assertThat(sboms).containsExactly(new Referrer(MediaTypes.OCI_MANIFEST, Digest.sha256(sbom), sbom.length,
                "application/vnd.example.sbom.v1+json", "{\"org.example.kind\":\"sbom\"}"));
        assertThat(artifacts.referrers(repo, subject, "application/vnd.example.none")).isEmpty();
        assertThat(artifacts.referrers(repo, Digest.sha256(sbom), null)).isEmpty();
        assertThat(artifacts.referrers(newRepository("no-such-repository"), subject, null)).isEmpty();
    }

    @Test
    void a_manifest_referencing_a_blob_linked_only_in_another_repository_is_refused_and_nothing_is_stored()
            throws Exception {
        // given a repository where "latest" points at manifest A, and a layer that exists only elsewhere
        RepositoryName repo = newRepository("missing-blob");
        RepositoryName elsewhere = newRepository("elsewhere");
        Blob config = blob("{\"missing\": \"blob\"}");
        Blob foreignLayer = blob("layer linked in another repository only");
        pushBlob(repo, config);
        pushBlob(elsewhere, foreignLayer);
        byte[] a = image(config).bytes();
        Digest digestA = pushManifest(repo, "latest", a).digest();
        byte[] b = image(config).layer(foreignLayer).bytes();
        Digest digestB = Digest.sha256(b);

        // when manifest B, which needs that layer, is pushed as "latest" and as "other"
        for (String tag : List.of("latest", "other")) {
            assertThatThrownBy(() -> pushManifest(repo, tag, b))
                    // then it is refused with MANIFEST_BLOB_UNKNOWN naming the missing digest
                    .isInstanceOfSatisfying(RegistryException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_BLOB_UNKNOWN);
                        assertThat(e.getMessage()).contains(foreignLayer.digest().toString());
                    });
        }

        // and nothing of B is stored: no manifest row, no tag, "latest" still on A
        assertThat(manifestRows(repo, digestB)).isZero();
        assertThat(manifestRows(repo)).isEqualTo(1);
        assertThat(tagRows(repo)).isEqualTo(1);
        assertThat(tagRows(repo, "other")).isZero();
        assertThat(artifacts.getManifest(repo, Reference.parse("latest")).digest()).isEqualTo(digestA);
        assertThatThrownBy(() -> artifacts.getManifest(repo, Reference.parse(digestB.toString())))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_UNKNOWN));
    }

    @Test
    void a_refused_first_push_to_a_new_repository_does_not_create_the_repository() {
        // given a repository name never used and a manifest whose config blob was never uploaded
        RepositoryName repo = newRepository("refused-first-push");
        Blob config = blob("{\"never\": \"uploaded\"}");
        byte[] manifest = image(config).bytes();

        // when the manifest is pushed
        assertThatThrownBy(() -> pushManifest(repo, "latest", manifest))
                // then it is refused with MANIFEST_BLOB_UNKNOWN
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.MANIFEST_BLOB_UNKNOWN));

        // and the transaction left nothing behind, not even the repository row
        assertThat(repositoryRows(repo)).isZero();
        assertThat(blobRows(config.digest())).isZero();
        assertThat(tagRows(repo, "latest")).isZero();
    }

    @Test
    void an_upload_start_a_push_refused_for_its_quota_and_a_mount_leave_no_repository_and_the_project_can_be_deleted()
            throws Exception {
        // issue 11, correctness 1 ("phantom repositories"): a repository exists when it has a manifest
        // given a project with a small quota, and a blob in another project to mount from
        String project = newRepository("phantoms").pathInProject();
        long projectId = projects.create(project, false, 100L, "tester", null).id();
        RepositoryName source = newRepository("mount-source");
        Blob small = blob("{\"mounted\": " + System.nanoTime() + "}");
        pushBlob(source, small);
        RepositoryName abandoned = new RepositoryName(project + "/abandoned");
        RepositoryName refused = new RepositoryName(project + "/refused");
        RepositoryName mounted = new RepositoryName(project + "/mounted");

        // when an upload is started and left, a push is refused for the quota, and a blob is mounted
        uploads.start(abandoned, "tester");
        assertThatThrownBy(() -> pushBlob(refused, randomBlob(1000)))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.DENIED));
        assertThat(blobs.mount(mounted, small.digest(), source, name -> true)).contains(small.size());

        // then the project lists no repository, the catalog has none of them
        assertThat(listing.repositories(projectId, 0, 100)).isEmpty();
        assertThat(listing.countRepositories(projectId)).isZero();
        assertThat(artifacts.catalog(1000, project).items()).noneMatch(name -> name.startsWith(project + "/"));

        // and deleting the project works, taking the rows the upload and the mount left along
        projects.delete(project);
        assertThat(projects.find(project)).isEmpty();
        assertThat(repositoryRows(abandoned) + repositoryRows(refused) + repositoryRows(mounted)).isZero();
    }

    // issue 12, docker search: the repository search on each database, as docker search and /api/v1/search use it
    @Test
    void a_repository_search_finds_a_literal_substring_of_names_in_the_given_projects_as_the_listing_shows_them() throws Exception {
        // given a project with repositories a-b and a_b, and a blob-only row a_bc (no manifest: no repository)
        String project = newRepository("found").pathInProject();
        long projectId = projects.create(project, false, null, "tester", null).id();
        for (String name : List.of("a-b", "a_b")) {
            RepositoryName repo = new RepositoryName(project + "/" + name);
            Blob config = blob("{\"found\": " + System.nanoTime() + "}");
            pushBlob(repo, config);
            pushManifest(repo, "v1", image(config).bytes());
        }
        pushBlob(new RepositoryName(project + "/a_bc"), blob("{\"blob-only\": " + System.nanoTime() + "}"));

        // when searched in upper case with an _, with a %, in the project, in no project, and with every project
        var underscore = listing.searchRepositories(project.toUpperCase() + "/A_", List.of(projectId), 0, 10);
        var names = listing.search(project + "/a", null, 1, 1);

        // then _ and % are literal, the summary is the listing's, pages and totals come from the database
        assertThat(underscore.items()).containsExactly(listing.repositories(projectId, 1, 1).getFirst());
        assertThat(underscore.total()).isOne();
        assertThat(listing.search(project + "/a%", List.of(projectId), 0, 10).total()).isZero();
        assertThat(listing.search(project, List.of(), 0, 10).total()).isZero();
        assertThat(names.items()).containsExactly(project + "/a_b");
        assertThat(names.total()).isEqualTo(2);
    }

    @Test
    void a_repository_whose_manifests_were_all_deleted_is_no_longer_listed() throws Exception {
        // given a repository with one image
        String project = newRepository("emptied").pathInProject();
        long projectId = projects.create(project, false, null, "tester", null).id();
        RepositoryName repo = new RepositoryName(project + "/app");
        Blob config = blob("{\"emptied\": " + System.nanoTime() + "}");
        pushBlob(repo, config);
        Digest digest = pushManifest(repo, "v1", image(config).bytes()).digest();
        assertThat(listing.countRepositories(projectId)).isOne();

        // when its only manifest is deleted
        artifacts.deleteManifest(repo, Reference.parse(digest.toString()));

        // then the project holds no repository and can be deleted
        assertThat(listing.repositories(projectId, 0, 100)).isEmpty();
        projects.delete(project);
        assertThat(repositoryRows(repo)).isZero();
    }

    @Test
    void a_one_component_name_is_the_same_repository_as_its_library_name() throws Exception {
        // issue 11, correctness 2: alpine is library/alpine
        String shortName = newRepository("short").pathInProject();
        RepositoryName viaShort = new RepositoryName(shortName);
        RepositoryName viaLong = new RepositoryName("library/" + shortName);
        Blob config = blob("{\"short\": " + System.nanoTime() + "}");

        // when an image is pushed under the short name and read under the long one
        pushBlob(viaShort, config);
        Digest digest = pushManifest(viaShort, "3", image(config).bytes()).digest();

        // then both names are one repository, listed once in the catalog under the canonical name
        assertThat(viaShort).isEqualTo(viaLong);
        assertThat(viaShort.value()).isEqualTo("library/" + shortName);
        assertThat(artifacts.getManifest(new RepositoryName("library/" + shortName), Reference.parse("3")).digest()).isEqualTo(digest);
        assertThat(artifacts.catalog(1000, "library/" + shortName.substring(0, shortName.length() - 1)).items())
                .filteredOn(name -> name.endsWith(shortName)).containsExactly("library/" + shortName);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM repository WHERE name = ?", Integer.class, shortName)).isZero();
    }
}
