package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnH2
@DisplayName("Quotas on H2 (PostgreSQL mode)")
class QuotaOnH2Test extends QuotaScenarios {
}
