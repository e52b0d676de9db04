package dev.registry.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.registry.core.system.SystemInfoService;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** What the registry says it runs on ({@code /api/v1/systeminfo}, the console's system page), on each database. */
abstract class SystemInfoScenarios extends DatabaseScenarios {

    @Autowired
    SystemInfoService system;

    /** The database product as its JDBC driver names it. */
    abstract String expectedDatabase();

    @Test
    void the_database_storage_and_version_are_those_the_registry_runs_on() {
        assertThat(system.database().kind()).isEqualTo(expectedDatabase());
        assertThat(system.database().version()).isNotBlank();
        assertThat(system.storageKind()).isEqualTo("filesystem");
        assertThat(system.version()).isNotBlank();
    }
}
