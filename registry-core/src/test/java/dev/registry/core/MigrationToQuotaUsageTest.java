package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * V8 starts keeping project usage in a registry that already holds content: every project gets its
 * figure, with each blob counted once per project however many of its repositories link it.
 */
class MigrationToQuotaUsageTest {

    @Test
    void existing_projects_get_their_usage_with_each_blob_counted_once_per_project() {
        DriverManagerDataSource db = new DriverManagerDataSource("jdbc:h2:mem:migration-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
        JdbcTemplate jdbc = new JdbcTemplate(db);
        // given a registry at version 7: project team has a 1,000-byte blob linked in two repositories,
        // a 50-byte blob and a 300-byte manifest; project other links the shared blob once; empty has nothing
        flyway(db).target("7").load().migrate();
        for (String project : new String[] {"team", "other", "empty"}) {
            jdbc.update("INSERT INTO project (name, is_public, created_at) VALUES (?, FALSE, CURRENT_TIMESTAMP)", project);
        }
        for (String repo : new String[] {"team/a", "team/b", "other/x"}) {
            jdbc.update("INSERT INTO repository (name, project_id, created_at) SELECT ?, id, CURRENT_TIMESTAMP FROM project"
                    + " WHERE name = ?", repo, repo.substring(0, repo.indexOf('/')));
        }
        jdbc.update("INSERT INTO blob (digest, size, created_at) VALUES ('sha256:shared', 1000, CURRENT_TIMESTAMP)");
        jdbc.update("INSERT INTO blob (digest, size, created_at) VALUES ('sha256:small', 50, CURRENT_TIMESTAMP)");
        link(jdbc, "team/a", "sha256:shared");
        link(jdbc, "team/b", "sha256:shared");
        link(jdbc, "team/b", "sha256:small");
        link(jdbc, "other/x", "sha256:shared");
        jdbc.update("INSERT INTO manifest (repository_id, digest, media_type, size, content, pushed_at)"
                + " SELECT id, 'sha256:m', 'application/vnd.oci.image.manifest.v1+json', 300, X'00', CURRENT_TIMESTAMP"
                + " FROM repository WHERE name = 'team/a'");

        // when it migrates to the latest version
        flyway(db).load().migrate();

        // then
        assertThat(jdbc.queryForList("SELECT p.name, u.used_bytes FROM project_usage u JOIN project p ON p.id = u.project_id"
                + " WHERE p.name IN ('team', 'other', 'empty') ORDER BY p.name")).containsExactly(
                Map.of("name", "empty", "used_bytes", 0L), Map.of("name", "other", "used_bytes", 1000L),
                Map.of("name", "team", "used_bytes", 1350L));
    }

    private static void link(JdbcTemplate jdbc, String repository, String digest) {
        jdbc.update("INSERT INTO repository_blob (repository_id, digest, created_at) SELECT id, ?, CURRENT_TIMESTAMP"
                + " FROM repository WHERE name = ?", digest, repository);
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(DriverManagerDataSource db) {
        return Flyway.configure().dataSource(db).locations("classpath:db/common", "classpath:db/vendor/h2");
    }
}
