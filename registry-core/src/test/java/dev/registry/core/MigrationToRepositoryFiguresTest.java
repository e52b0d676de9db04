package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * V19 starts keeping each repository's figures (manifest count and bytes, linked blob bytes) and its last pull in a
 * registry that already holds content: every repository gets them from what it holds, an empty one zeros and no pull.
 */
class MigrationToRepositoryFiguresTest {

    @Test
    void existing_repositories_get_their_figures_and_last_pull_from_their_manifests_and_links() {
        DriverManagerDataSource db = new DriverManagerDataSource("jdbc:h2:mem:migration-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
        JdbcTemplate jdbc = new JdbcTemplate(db);
        // given a registry at version 18: team/a has two manifests (300 and 200 bytes, one pulled) and links a 1,000-byte
        // and a 50-byte blob; team/b links the 1,000-byte blob only; team/empty holds nothing
        flyway(db).target("18").load().migrate();
        jdbc.update("INSERT INTO project (name, is_public, created_at) VALUES ('team', FALSE, CURRENT_TIMESTAMP)");
        for (String repo : List.of("team/a", "team/b", "team/empty")) {
            jdbc.update("INSERT INTO repository (name, project_id, created_at) SELECT ?, id, CURRENT_TIMESTAMP FROM project"
                    + " WHERE name = 'team'", repo);
        }
        jdbc.update("INSERT INTO blob (digest, size, created_at) VALUES ('sha256:big', 1000, CURRENT_TIMESTAMP)");
        jdbc.update("INSERT INTO blob (digest, size, created_at) VALUES ('sha256:small', 50, CURRENT_TIMESTAMP)");
        for (String[] link : new String[][] {{"team/a", "sha256:big"}, {"team/a", "sha256:small"}, {"team/b", "sha256:big"}}) {
            jdbc.update("INSERT INTO repository_blob (repository_id, digest, created_at) SELECT id, ?, CURRENT_TIMESTAMP"
                    + " FROM repository WHERE name = ?", link[1], link[0]);
        }
        jdbc.update("INSERT INTO manifest (repository_id, digest, media_type, size, content, pushed_at, pulled_at)"
                + " SELECT id, 'sha256:m1', 'application/vnd.oci.image.manifest.v1+json', 300, X'00', CURRENT_TIMESTAMP,"
                + " TIMESTAMP WITH TIME ZONE '2026-11-30 10:00:00+00' FROM repository WHERE name = 'team/a'");
        jdbc.update("INSERT INTO manifest (repository_id, digest, media_type, size, content, pushed_at)"
                + " SELECT id, 'sha256:m2', 'application/vnd.oci.image.manifest.v1+json', 200, X'00', CURRENT_TIMESTAMP"
                + " FROM repository WHERE name = 'team/a'");

        // when it migrates to the latest version
        flyway(db).load().migrate();

        // then
        assertThat(jdbc.queryForList("SELECT r.name, f.manifests, f.manifest_bytes, f.blob_bytes FROM repository_figures f"
                + " JOIN repository r ON r.id = f.repository_id ORDER BY r.name")).containsExactly(
                Map.of("name", "team/a", "manifests", 2L, "manifest_bytes", 500L, "blob_bytes", 1050L),
                Map.of("name", "team/b", "manifests", 0L, "manifest_bytes", 0L, "blob_bytes", 1000L),
                Map.of("name", "team/empty", "manifests", 0L, "manifest_bytes", 0L, "blob_bytes", 0L));
        assertThat(jdbc.queryForList("SELECT r.name, CAST(p.pulled_at AS VARCHAR) AS pulled FROM repository_pulled p"
                + " JOIN repository r ON r.id = p.repository_id")).containsExactly(Map.of("name", "team/a", "pulled", "2026-11-30 10:00:00+00"));
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(DriverManagerDataSource db) {
        return Flyway.configure().dataSource(db).locations("classpath:db/common", "classpath:db/vendor/h2");
    }
}
