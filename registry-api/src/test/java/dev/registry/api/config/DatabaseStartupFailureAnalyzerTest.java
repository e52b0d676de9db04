package dev.registry.api.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.mock.env.MockEnvironment;

/**
 * Issue 11, Correctness 8: a start refused by the database ends in one line naming the setting to
 * change, not a 30-line stack trace ending in {@code role "registry" does not exist}.
 */
class DatabaseStartupFailureAnalyzerTest {

    private final MockEnvironment environment = new MockEnvironment()
            .withProperty("spring.datasource.url", "jdbc:postgresql://localhost:5432/registry")
            .withProperty("spring.datasource.username", "registry");
    private final DatabaseStartupFailureAnalyzer analyzer = new DatabaseStartupFailureAnalyzer(environment);

    private FailureAnalysis analyze(String message, String sqlState) {
        return analyzer.analyze(new BeanCreationException("flyway", "Failed to instantiate",
                new IllegalStateException("wrapped", new SQLException(message, sqlState))));
    }

    @Test
    void anUnknownRoleNamesTheUsernameSettingInOneLine() {
        FailureAnalysis analysis = analyze("FATAL: role \"registry\" does not exist", "28000");

        assertThat(analysis.getDescription()).doesNotContain("\n")
                .contains("jdbc:postgresql://localhost:5432/registry", "user registry", "role \"registry\" does not exist",
                        "spring.datasource.username (SPRING_DATASOURCE_USERNAME)");
        assertThat(analysis.getAction()).contains("createuser registry");
    }

    @Test
    void aWrongPasswordAMissingDatabaseAndARefusedConnectionNameTheirSettings() {
        assertThat(analyze("FATAL: password authentication failed for user \"registry\"", "28P01").getDescription())
                .contains("change spring.datasource.password");
        assertThat(analyze("FATAL: database \"registry\" does not exist", "3D000").getDescription())
                .contains("change spring.datasource.url");
        assertThat(analyze("Connection to localhost:5432 refused.\nCheck that the hostname and port are correct", "08001")
                .getDescription()).contains("change spring.datasource.url").doesNotContain("\n");
    }

    @Test
    void otherSqlFailuresAreLeftToSpringBootsReport() {
        assertThat(analyze("ERROR: syntax error at or near \"TABEL\"", "42601")).isNull();
    }
}
