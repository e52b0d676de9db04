package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnH2
@DisplayName("System information on H2 (PostgreSQL mode)")
class SystemInfoOnH2Test extends SystemInfoScenarios {

    @Override
    String expectedDatabase() {
        return "H2";
    }
}
