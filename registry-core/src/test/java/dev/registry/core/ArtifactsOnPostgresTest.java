package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnPostgres
@DisplayName("Artifacts on PostgreSQL")
class ArtifactsOnPostgresTest extends ArtifactScenarios {
}
