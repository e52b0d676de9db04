package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnPostgres
@DisplayName("Jobs on PostgreSQL")
class JobsOnPostgresTest extends JobScenarios {
}
