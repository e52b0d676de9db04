package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * V11 starts garbage collection in a registry that already holds garbage nothing queued: blobs no
 * manifest references and untagged manifests are queued for the first run; referenced blobs and
 * tagged manifests are not.
 */
class MigrationToGcQueuesTest {

    @Test
    void existing_unreferenced_blobs_and_untagged_manifests_are_queued_for_the_first_collection() {
        DriverManagerDataSource db = new DriverManagerDataSource("jdbc:h2:mem:migration-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
        JdbcTemplate jdbc = new JdbcTemplate(db);
        // given a registry at version 10: a tagged manifest using one blob, an untagged manifest, an unused blob
        Flyway.configure().dataSource(db).locations("classpath:db/common", "classpath:db/vendor/h2").target("10").load().migrate();
        jdbc.update("INSERT INTO project (name, is_public, created_at) VALUES ('team', FALSE, CURRENT_TIMESTAMP)");
        jdbc.update("INSERT INTO repository (name, project_id, created_at) SELECT 'team/a', id, CURRENT_TIMESTAMP FROM project"
                + " WHERE name = 'team'");
        for (String digest : new String[] {"sha256:used", "sha256:unused"}) {
            jdbc.update("INSERT INTO blob (digest, size, created_at) VALUES (?, 10, CURRENT_TIMESTAMP)", digest);
            jdbc.update("INSERT INTO repository_blob (repository_id, digest, created_at) SELECT id, ?, CURRENT_TIMESTAMP"
                    + " FROM repository", digest);
        }
        for (String digest : new String[] {"sha256:tagged", "sha256:untagged"}) {
            jdbc.update("INSERT INTO manifest (repository_id, digest, media_type, size, content, pushed_at)"
                    + " SELECT id, ?, 'application/vnd.oci.image.manifest.v1+json', 300, X'00', CURRENT_TIMESTAMP FROM repository",
                    digest);
        }
        jdbc.update("INSERT INTO manifest_reference (manifest_id, digest, kind) SELECT id, 'sha256:used', 'blob' FROM manifest"
                + " WHERE digest = 'sha256:tagged'");
        jdbc.update("INSERT INTO tag (repository_id, name, manifest_id, updated_at) SELECT repository_id, 'v1', id,"
                + " CURRENT_TIMESTAMP FROM manifest WHERE digest = 'sha256:tagged'");

        // when it migrates to the latest version
        Flyway.configure().dataSource(db).locations("classpath:db/common", "classpath:db/vendor/h2").load().migrate();

        // then only the unused blob and the untagged manifest wait for review
        assertThat(jdbc.queryForList("SELECT digest FROM gc_blob_review", String.class)).containsExactly("sha256:unused");
        assertThat(jdbc.queryForList("SELECT m.digest FROM gc_manifest_review g JOIN manifest m ON m.id = g.manifest_id",
                String.class)).containsExactly("sha256:untagged");
    }
}
