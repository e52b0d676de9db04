package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnH2
@DisplayName("Artifacts on H2 (PostgreSQL mode)")
class ArtifactsOnH2Test extends ArtifactScenarios {
}
