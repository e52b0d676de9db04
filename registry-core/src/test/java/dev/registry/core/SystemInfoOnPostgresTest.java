package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnPostgres
@DisplayName("System information on PostgreSQL")
class SystemInfoOnPostgresTest extends SystemInfoScenarios {

    @Override
    String expectedDatabase() {
        return "PostgreSQL";
    }
}
