package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnH2
@DisplayName("Audit log on H2 (PostgreSQL mode)")
class AuditOnH2Test extends AuditScenarios {
}
