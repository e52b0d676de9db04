package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnPostgres
@DisplayName("Uploads on PostgreSQL")
class UploadsOnPostgresTest extends UploadScenarios {
}
