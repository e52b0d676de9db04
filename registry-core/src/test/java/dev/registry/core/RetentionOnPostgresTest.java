package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnPostgres
@DisplayName("Retention on PostgreSQL")
class RetentionOnPostgresTest extends RetentionScenarios {
}
