package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * V13 (issue 11, correctness items 1 and 2): {@code alpine} is short for {@code library/alpine}, so a
 * registry holding both gets them merged into {@code library/alpine} (a tag in both: the newer stays,
 * the older is recorded in the audit log), a lone {@code X} becomes {@code library/X}, library's usage
 * is recounted, and repository rows without a manifest are queued for garbage collection. On H2 and on
 * PostgreSQL (skipped without one).
 */
class MigrationToOneNamePerRepositoryTest {

    @Test
    void on_h2_short_names_merge_into_their_library_twins_and_lone_ones_are_renamed() {
        DriverManagerDataSource db = new DriverManagerDataSource("jdbc:h2:mem:migration-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
        migrateAndCheck(db, "h2", null);
    }

    @Test
    void on_postgresql_short_names_merge_into_their_library_twins_and_lone_ones_are_renamed() throws Exception {
        PostgresForTests.Database pg = PostgresForTests.database();
        assumeTrue(pg.available(), pg.description());
        String schema = "v13_" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        String url = pg.url().replace("currentSchema=" + pg.schema(), "currentSchema=" + schema);
        DriverManagerDataSource db = new DriverManagerDataSource(url, pg.username(), pg.password());
        try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA " + schema);
        }
        try {
            migrateAndCheck(db, "postgresql", schema);
        } finally {
            try (Connection c = db.getConnection(); Statement s = c.createStatement()) {
                s.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static void migrateAndCheck(DataSource db, String vendor, String schema) {
        JdbcTemplate jdbc = new JdbcTemplate(db);
        // given a registry at version 12 with alpine and library/alpine, a lone busybox
        flyway(db, vendor, schema).target("12").load().migrate();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        OffsetDateTime yesterday = now.minusDays(1);
        long library = jdbc.queryForObject("SELECT id FROM project WHERE name = 'library'", Long.class);
        for (String name : List.of("alpine", "library/alpine", "busybox")) {
            jdbc.update("INSERT INTO repository (name, project_id, created_at) VALUES (?, ?, ?)", name, library, yesterday);
        }
        long shortId = id(jdbc, "alpine");
        long longId = id(jdbc, "library/alpine");
        for (String digest : List.of("sha256:both", "sha256:short", "sha256:long")) {
            jdbc.update("INSERT INTO blob (digest, size, created_at) VALUES (?, 1000, ?)", digest, yesterday);
        }
        link(jdbc, shortId, "sha256:both");
        link(jdbc, longId, "sha256:both");
        link(jdbc, shortId, "sha256:short");
        link(jdbc, longId, "sha256:long");
        manifest(jdbc, shortId, "sha256:m-shared", now);
        manifest(jdbc, longId, "sha256:m-shared", null);
        manifest(jdbc, shortId, "sha256:m-short", null);
        manifest(jdbc, longId, "sha256:m-long", null);
        tag(jdbc, shortId, "3", "sha256:m-short", now);          // newer: stays
        tag(jdbc, longId, "3", "sha256:m-long", yesterday);       // older: goes, audited
        tag(jdbc, shortId, "latest", "sha256:m-shared", yesterday);
        tag(jdbc, longId, "latest", "sha256:m-shared", now);      // same digest: nothing lost, nothing audited
        tag(jdbc, shortId, "edge", "sha256:m-shared", now);
        jdbc.update("INSERT INTO upload_session (id, repository_id, storage_upload_id, started_at, updated_at)"
                + " VALUES ('u1', ?, 's1', ?, ?)", shortId, now, now);
        jdbc.update("UPDATE project_usage SET used_bytes = 1 WHERE project_id = ?", library);

        // when it migrates to the latest version
        flyway(db, vendor, schema).load().migrate();

        // then there is one library/alpine with everything of both, and library/busybox
        assertThat(jdbc.queryForList("SELECT name FROM repository ORDER BY name", String.class))
                .containsExactly("library/alpine", "library/busybox");
        assertThat(id(jdbc, "library/alpine")).isEqualTo(longId);
        assertThat(jdbc.queryForList("SELECT t.name || ' ' || m.digest FROM tag t JOIN manifest m ON m.id = t.manifest_id"
                + " WHERE t.repository_id = ? ORDER BY t.name", String.class, longId))
                .containsExactly("3 sha256:m-short", "edge sha256:m-shared", "latest sha256:m-shared");
        assertThat(jdbc.queryForList("SELECT digest FROM manifest WHERE repository_id = ? ORDER BY digest", String.class, longId))
                .containsExactly("sha256:m-long", "sha256:m-shared", "sha256:m-short");
        assertThat(jdbc.queryForObject("SELECT pulled_at FROM manifest WHERE digest = 'sha256:m-shared'", OffsetDateTime.class))
                .isNotNull();
        assertThat(jdbc.queryForList("SELECT digest FROM repository_blob WHERE repository_id = ? ORDER BY digest", String.class,
                longId)).containsExactly("sha256:both", "sha256:long", "sha256:short");
        assertThat(jdbc.queryForObject("SELECT repository_id FROM upload_session WHERE id = 'u1'", Long.class)).isEqualTo(longId);
        // the tag that lost is in the audit log, by system
        List<Map<String, Object>> audit = jdbc.queryForList("SELECT actor_name, actor_kind, project, resource, operation, detail"
                + " FROM audit_event");
        assertThat(audit).hasSize(1);
        assertThat(audit.getFirst()).containsEntry("actor_name", "system").containsEntry("actor_kind", "system")
                .containsEntry("project", "library").containsEntry("resource", "library/alpine:3").containsEntry("operation", "delete");
        assertThat((String) audit.getFirst().get("detail")).contains("sha256:m-long", "sha256:m-short", "newer");
        // the manifest it pointed at waits for review as an untagged one
        assertThat(jdbc.queryForList("SELECT m.digest FROM gc_manifest_review g JOIN manifest m ON m.id = g.manifest_id",
                String.class)).contains("sha256:m-long");
        // usage recounted: three blobs and three manifests of 300 bytes
        assertThat(jdbc.queryForObject("SELECT used_bytes FROM project_usage WHERE project_id = ?", Long.class, library))
                .isEqualTo(3 * 1000 + 3 * 300);
        // and the repository without a manifest waits for garbage collection
        assertThat(jdbc.queryForList("SELECT r.name FROM gc_repository_review g JOIN repository r ON r.id = g.repository_id",
                String.class)).containsExactly("library/busybox");
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(DataSource db, String vendor, String schema) {
        var config = Flyway.configure().dataSource(db).locations("classpath:db/common", "classpath:db/vendor/" + vendor);
        return schema == null ? config : config.schemas(schema).defaultSchema(schema);
    }

    private static long id(JdbcTemplate jdbc, String name) {
        return jdbc.queryForObject("SELECT id FROM repository WHERE name = ?", Long.class, name);
    }

    private static void link(JdbcTemplate jdbc, long repositoryId, String digest) {
        jdbc.update("INSERT INTO repository_blob (repository_id, digest, created_at) VALUES (?, ?, CURRENT_TIMESTAMP)",
                repositoryId, digest);
    }

    private static void manifest(JdbcTemplate jdbc, long repositoryId, String digest, OffsetDateTime pulledAt) {
        jdbc.update("INSERT INTO manifest (repository_id, digest, media_type, size, content, pushed_at, pulled_at)"
                + " VALUES (?, ?, 'application/vnd.oci.image.manifest.v1+json', 300, ?, CURRENT_TIMESTAMP, ?)",
                repositoryId, digest, new byte[] {0}, pulledAt);
    }

    private static void tag(JdbcTemplate jdbc, long repositoryId, String name, String digest, OffsetDateTime at) {
        jdbc.update("INSERT INTO tag (repository_id, name, manifest_id, updated_at)"
                + " SELECT ?, ?, id, ? FROM manifest WHERE repository_id = ? AND digest = ?", repositoryId, name, at,
                repositoryId, digest);
    }
}
