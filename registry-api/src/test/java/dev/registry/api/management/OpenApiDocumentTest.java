package dev.registry.api.management;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI document served at /api/v1/openapi.json equals the checked-in docs/openapi.json, so
 * a change of the API shows up in review. Regenerate the file after a deliberate change with
 * {@code ./mvnw -pl registry-api -am verify -Dtest=OpenApiDocumentTest -Dsurefire.failIfNoSpecifiedTests=false -Dopenapi.write=true}.
 */
class OpenApiDocumentTest extends ManagementTestBase {

    private static final JsonMapper CANONICAL = JsonMapper.builder()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .build();

    @Test
    void the_served_openapi_document_equals_docs_openapi_json() throws IOException {
        // given the document the registry serves, in canonical form (pretty-printed, keys sorted)
        var response = expect(admin.send("GET", "/api/v1/openapi.json"), 200);
        String served = canonical(response.body());
        Path checkedIn = docs().resolve("openapi.json");

        // when asked to, the checked-in copy is rewritten
        if (Boolean.getBoolean("openapi.write")) {
            Files.writeString(checkedIn, served, StandardCharsets.UTF_8);
        }

        // then the two are the same, byte for byte
        assertThat(Files.exists(checkedIn)).as("%s is missing; create it with -Dopenapi.write=true", checkedIn).isTrue();
        assertThat(Files.readString(checkedIn, StandardCharsets.UTF_8))
                .as("docs/openapi.json differs from the served /api/v1/openapi.json. If the API change is intended, regenerate it: "
                        + "./mvnw -pl registry-api -am verify -Dtest=OpenApiDocumentTest -Dsurefire.failIfNoSpecifiedTests=false "
                        + "-Dopenapi.write=true, and commit docs/openapi.json")
                .isEqualTo(served);
    }

    @Test
    void the_document_describes_only_the_management_api_under_api_v1() {
        var document = json(expect(admin.send("GET", "/api/v1/openapi.json"), 200));

        assertThat(document.get("openapi").asString()).startsWith("3.");
        assertThat(document.get("info").get("title").asString()).isEqualTo("Registry management API");
        assertThat(document.get("paths").propertyNames()).allMatch(path -> path.startsWith("/api/v1/"))
                .contains("/api/v1/projects", "/api/v1/users/current", "/api/v1/systeminfo");
    }

    static String canonical(String json) {
        return CANONICAL.writeValueAsString(CANONICAL.readValue(json, Object.class)) + "\n";
    }

    /** The repository's docs folder, found from the module directory the tests run in. */
    static Path docs() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("docs/architecture.md"))) {
                return dir.resolve("docs");
            }
        }
        throw new IllegalStateException("no docs/architecture.md above " + Path.of("").toAbsolutePath());
    }
}
