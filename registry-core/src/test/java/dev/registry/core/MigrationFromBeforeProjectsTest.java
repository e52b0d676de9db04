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
 * V3 introduces projects into a registry that already holds repositories: each first path
 * component becomes a private project, one-component names join the public {@code library}, and
 * every repository points at its project.
 */
class MigrationFromBeforeProjectsTest {

    @Test
    void repositoriesPushedBeforeProjectsExistedGetTheProjectOfTheirFirstComponent() {
        DriverManagerDataSource db = new DriverManagerDataSource("jdbc:h2:mem:migration-" + UUID.randomUUID()
                + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;DB_CLOSE_DELAY=-1", "sa", "");
        JdbcTemplate jdbc = new JdbcTemplate(db);
        // given a registry at schema version 2 with repositories of one, two and three components
        flyway(db).target("2").load().migrate();
        for (String name : List.of("alpine", "team/app", "team/tools/ci", "library/nginx", "other/x")) {
            jdbc.update("INSERT INTO repository (name, created_at) VALUES (?, CURRENT_TIMESTAMP)", name);
        }

        // when it migrates to the latest version
        flyway(db).load().migrate();

        // then
        assertThat(jdbc.queryForList("SELECT name, is_public FROM project ORDER BY name")).containsExactly(
                Map.of("name", "library", "is_public", true), Map.of("name", "other", "is_public", false),
                Map.of("name", "team", "is_public", false));
        assertThat(jdbc.queryForList("SELECT r.name || ' ' || p.name FROM repository r JOIN project p ON p.id = r.project_id"
                + " ORDER BY r.name", String.class)).containsExactly("library/alpine library", "library/nginx library", "other/x other",
                "team/app team", "team/tools/ci team");
    }

    private static org.flywaydb.core.api.configuration.FluentConfiguration flyway(DriverManagerDataSource db) {
        return Flyway.configure().dataSource(db).locations("classpath:db/common", "classpath:db/vendor/h2");
    }
}
