package dev.registry.core;

import org.junit.jupiter.api.DisplayName;

@OnH2
@DisplayName("Uploads on H2 (PostgreSQL mode)")
class UploadsOnH2Test extends UploadScenarios {
}
