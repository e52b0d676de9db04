package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnPostgres
@DisplayName("Immutability on PostgreSQL")
class ImmutabilityOnPostgresTest extends ImmutabilityScenarios {
}
