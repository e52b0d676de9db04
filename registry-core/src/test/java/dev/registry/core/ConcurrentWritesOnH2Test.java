package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnH2
@DisplayName("Concurrent writes on H2 (PostgreSQL mode)")
class ConcurrentWritesOnH2Test extends ConcurrencyScenarios {
}
