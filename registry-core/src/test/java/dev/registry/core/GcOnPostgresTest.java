package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnPostgres
@DisplayName("Garbage collection on PostgreSQL")
class GcOnPostgresTest extends GcScenarios {
}
