package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnH2
@DisplayName("Immutability on H2 (PostgreSQL mode)")
class ImmutabilityOnH2Test extends ImmutabilityScenarios {
}
