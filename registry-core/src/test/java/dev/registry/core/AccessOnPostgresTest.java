package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnPostgres
@DisplayName("Access on PostgreSQL")
class AccessOnPostgresTest extends AccessScenarios {
}
