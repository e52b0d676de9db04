package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnH2
@DisplayName("Garbage collection on H2")
class GcOnH2Test extends GcScenarios {
}
