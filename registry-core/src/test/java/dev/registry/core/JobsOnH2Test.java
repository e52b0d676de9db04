package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnH2
@DisplayName("Jobs on H2 (PostgreSQL mode)")
class JobsOnH2Test extends JobScenarios {
}
