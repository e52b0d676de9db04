package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnPostgres
@DisplayName("Quotas on PostgreSQL")
class QuotaOnPostgresTest extends QuotaScenarios {
}
