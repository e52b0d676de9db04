package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnH2
@DisplayName("Access on H2 (PostgreSQL mode)")
class AccessOnH2Test extends AccessScenarios {
}
