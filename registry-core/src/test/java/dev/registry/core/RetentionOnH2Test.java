package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnH2
@DisplayName("Retention on H2 (PostgreSQL mode)")
class RetentionOnH2Test extends RetentionScenarios {
}
