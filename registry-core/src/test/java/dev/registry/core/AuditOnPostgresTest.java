package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnPostgres
@DisplayName("Audit log on PostgreSQL")
class AuditOnPostgresTest extends AuditScenarios {
}
