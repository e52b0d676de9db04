package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnPostgres
@DisplayName("Concurrent writes on PostgreSQL")
class ConcurrentWritesOnPostgresTest extends ConcurrencyScenarios {
}
